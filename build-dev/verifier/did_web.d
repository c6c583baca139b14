build-dev/verifier/did_web.o: verifier/did_web.c verifier/verifier.h \
 core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
