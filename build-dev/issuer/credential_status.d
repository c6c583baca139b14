build-dev/issuer/credential_status.o: issuer/credential_status.c \
 issuer/issuer.h core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
