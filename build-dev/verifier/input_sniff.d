build-dev/verifier/input_sniff.o: verifier/input_sniff.c \
 verifier/verifier.h core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
