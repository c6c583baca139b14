build-dev/issuer/credential_build.o: issuer/credential_build.c \
 issuer/issuer.h core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
