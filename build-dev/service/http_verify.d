build-dev/service/http_verify.o: service/http_verify.c \
 service/http_internal.h service/service.h core/core.h issuer/issuer.h \
 keys/keys.h verifier/verifier.h
service/http_internal.h:
service/service.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
verifier/verifier.h:
