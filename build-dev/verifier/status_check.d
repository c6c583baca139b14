build-dev/verifier/status_check.o: verifier/status_check.c \
 verifier/status_internal.h verifier/verifier.h core/core.h keys/keys.h
verifier/status_internal.h:
verifier/verifier.h:
core/core.h:
keys/keys.h:
