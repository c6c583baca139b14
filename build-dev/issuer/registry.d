build-dev/issuer/registry.o: issuer/registry.c issuer/registry_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
