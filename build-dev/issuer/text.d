build-dev/issuer/text.o: issuer/text.c issuer/issuer.h core/core.h \
 keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
