build-dev/verifier/pdf_page_check.o: verifier/pdf_page_check.c \
 verifier/verifier.h core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
