build-dev/issuer/issue.o: issuer/issue.c issuer/issuer.h core/core.h \
 keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
