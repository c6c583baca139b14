build-dev/cli/cmd_publish.o: cli/cmd_publish.c cli/cli.h core/core.h \
 issuer/issuer.h keys/keys.h service/service.h verifier/verifier.h
cli/cli.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
service/service.h:
verifier/verifier.h:
