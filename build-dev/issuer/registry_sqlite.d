build-dev/issuer/registry_sqlite.o: issuer/registry_sqlite.c \
 issuer/registry_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
