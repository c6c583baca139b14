build-dev/verifier/verify.o: verifier/verify.c verifier/verifier.h \
 core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
