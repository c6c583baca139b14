build-dev/cli/cmd_init.o: cli/cmd_init.c cli/cli.h core/core.h \
 issuer/issuer.h keys/keys.h service/service.h verifier/verifier.h
cli/cli.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
service/service.h:
verifier/verifier.h:
