build-dev/issuer/batch_jobs.o: issuer/batch_jobs.c \
 issuer/batch_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/batch_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
