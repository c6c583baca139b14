build-dev/issuer/publish.o: issuer/publish.c issuer/issuer.h core/core.h \
 keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
