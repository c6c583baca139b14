build-dev/service/http_vc_issue.o: service/http_vc_issue.c \
 service/http_internal.h service/service.h core/core.h issuer/issuer.h \
 keys/keys.h verifier/verifier.h
service/http_internal.h:
service/service.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
verifier/verifier.h:
