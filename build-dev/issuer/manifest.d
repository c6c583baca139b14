build-dev/issuer/manifest.o: issuer/manifest.c issuer/batch_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/batch_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
