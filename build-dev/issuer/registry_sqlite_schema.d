build-dev/issuer/registry_sqlite_schema.o: \
 issuer/registry_sqlite_schema.c issuer/registry_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
