build-dev/cli/main.o: cli/main.c cli/cli.h core/core.h issuer/issuer.h \
 keys/keys.h service/service.h verifier/verifier.h
cli/cli.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
service/service.h:
verifier/verifier.h:
