build-dev/issuer/pdf_attach.o: issuer/pdf_attach.c issuer/pdf_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
