build-dev/verifier/pdf_page.o: verifier/pdf_page.cc verifier/verifier.h \
 core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
