build-dev/issuer/badge_image.o: issuer/badge_image.c issuer/issuer.h \
 core/core.h keys/keys.h issuer/pdf_internal.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
issuer/pdf_internal.h:
