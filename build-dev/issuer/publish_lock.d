build-dev/issuer/publish_lock.o: issuer/publish_lock.c issuer/issuer.h \
 core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
