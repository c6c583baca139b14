build-dev/issuer/pdf_ttf.o: issuer/pdf_ttf.c issuer/pdf_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
