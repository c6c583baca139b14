build-dev/issuer/home_keys.o: issuer/home_keys.c issuer/issuer.h \
 core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
