build-dev/issuer/issue_sign.o: issuer/issue_sign.c issuer/issuer.h \
 core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
