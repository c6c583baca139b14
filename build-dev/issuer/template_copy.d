build-dev/issuer/template_copy.o: issuer/template_copy.c issuer/issuer.h \
 core/core.h keys/keys.h
issuer/issuer.h:
core/core.h:
keys/keys.h:
