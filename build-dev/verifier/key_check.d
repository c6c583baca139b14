build-dev/verifier/key_check.o: verifier/key_check.c verifier/verifier.h \
 core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
