build-dev/issuer/registry_postgres.o: issuer/registry_postgres.c \
 issuer/registry_internal.h issuer/issuer.h core/core.h keys/keys.h \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
