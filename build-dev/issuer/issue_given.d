build-dev/issuer/issue_given.o: issuer/issue_given.c issuer/issuer.h \
 core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
