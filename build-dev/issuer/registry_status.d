build-dev/issuer/registry_status.o: issuer/registry_status.c \
 issuer/registry_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
