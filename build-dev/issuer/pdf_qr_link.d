build-dev/issuer/pdf_qr_link.o: issuer/pdf_qr_link.c \
 issuer/pdf_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
