build-dev/issuer/registry_index.o: issuer/registry_index.c \
 issuer/registry_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
