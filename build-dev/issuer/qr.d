build-dev/issuer/qr.o: issuer/qr.c issuer/issuer.h core/core.h \
 keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
