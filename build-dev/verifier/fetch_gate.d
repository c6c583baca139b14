build-dev/verifier/fetch_gate.o: verifier/fetch_gate.c \
 verifier/verifier.h core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
