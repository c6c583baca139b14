build-dev/verifier/cache.o: verifier/cache.c verifier/status_internal.h \
 verifier/verifier.h core/core.h keys/keys.h
verifier/status_internal.h:
verifier/verifier.h:
core/core.h:
keys/keys.h:
