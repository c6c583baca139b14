build-dev/verifier/input.o: verifier/input.c verifier/verifier.h \
 core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
