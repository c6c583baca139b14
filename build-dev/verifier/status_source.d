build-dev/verifier/status_source.o: verifier/status_source.c \
 verifier/status_internal.h verifier/verifier.h core/core.h keys/keys.h
verifier/status_internal.h:
verifier/verifier.h:
core/core.h:
keys/keys.h:
