build-dev/service/http_routes.o: service/http_routes.c \
 service/http_internal.h service/service.h core/core.h issuer/issuer.h \
 keys/keys.h verifier/verifier.h
service/http_internal.h:
service/service.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
verifier/verifier.h:
