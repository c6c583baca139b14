build-dev/verifier/page_qr.o: verifier/page_qr.c verifier/verifier.h \
 core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
