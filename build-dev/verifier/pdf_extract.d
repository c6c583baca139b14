build-dev/verifier/pdf_extract.o: verifier/pdf_extract.c \
 verifier/verifier.h core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
