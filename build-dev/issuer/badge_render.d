build-dev/issuer/badge_render.o: issuer/badge_render.c issuer/issuer.h \
 core/core.h keys/keys.h issuer/pdf_internal.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
issuer/pdf_internal.h:
