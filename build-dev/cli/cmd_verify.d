build-dev/cli/cmd_verify.o: cli/cmd_verify.c cli/cli.h core/core.h \
 issuer/issuer.h keys/keys.h service/service.h verifier/verifier.h
cli/cli.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
service/service.h:
verifier/verifier.h:
