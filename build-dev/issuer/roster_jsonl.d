build-dev/issuer/roster_jsonl.o: issuer/roster_jsonl.c \
 issuer/roster_internal.h issuer/issuer.h core/core.h keys/keys.h
issuer/roster_internal.h:
issuer/issuer.h:
core/core.h:
keys/keys.h:
