build-dev/issuer/pdf_image.o: issuer/pdf_image.c issuer/pdf_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
