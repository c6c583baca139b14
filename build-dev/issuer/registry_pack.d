build-dev/issuer/registry_pack.o: issuer/registry_pack.c \
 issuer/registry_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
