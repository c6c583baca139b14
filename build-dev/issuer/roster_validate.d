build-dev/issuer/roster_validate.o: issuer/roster_validate.c \
 issuer/roster_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/roster_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
