build-dev/issuer/registry_records.o: issuer/registry_records.c \
 issuer/registry_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/registry_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
