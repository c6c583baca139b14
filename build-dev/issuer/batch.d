build-dev/issuer/batch.o: issuer/batch.c issuer/batch_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/batch_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
