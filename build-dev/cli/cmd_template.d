build-dev/cli/cmd_template.o: cli/cmd_template.c cli/cli.h core/core.h \
 issuer/issuer.h keys/keys.h service/service.h verifier/verifier.h
cli/cli.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
service/service.h:
verifier/verifier.h:
