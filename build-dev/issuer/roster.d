build-dev/issuer/roster.o: issuer/roster.c issuer/roster_internal.h \
 issuer/issuer.h core/core.h keys/keys.h
issuer/roster_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
