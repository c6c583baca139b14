build-dev/issuer/pdf_fonts.o: issuer/pdf_fonts.c issuer/pdf_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
