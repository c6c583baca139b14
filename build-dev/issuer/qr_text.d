build-dev/issuer/qr_text.o: issuer/qr_text.c issuer/issuer.h core/core.h \
 keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
