build-dev/issuer/roster_csv.o: issuer/roster_csv.c \
 issuer/roster_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/roster_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
