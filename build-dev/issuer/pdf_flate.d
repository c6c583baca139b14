build-dev/issuer/pdf_flate.o: issuer/pdf_flate.c issuer/pdf_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
