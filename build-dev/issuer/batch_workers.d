build-dev/issuer/batch_workers.o: issuer/batch_workers.c \
 issuer/batch_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/batch_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
