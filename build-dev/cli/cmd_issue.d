build-dev/cli/cmd_issue.o: cli/cmd_issue.c cli/cli.h core/core.h \
 issuer/issuer.h keys/keys.h service/service.h verifier/verifier.h
cli/cli.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
service/service.h:
verifier/verifier.h:
