build-dev/issuer/template_placeholders.o: issuer/template_placeholders.c \
 issuer/pdf_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/pdf_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
