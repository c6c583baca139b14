build-dev/issuer/issue_one.o: issuer/issue_one.c issuer/issuer.h \
 core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
