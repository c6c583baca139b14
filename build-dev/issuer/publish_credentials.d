build-dev/issuer/publish_credentials.o: issuer/publish_credentials.c \
 issuer/issuer.h core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
