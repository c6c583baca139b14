build-dev/service/http_server.o: service/http_server.c \
 service/http_internal.h service/service.h core/core.h issuer/issuer.h \
 keys/keys.h verifier/verifier.h
service/http_internal.h:
service/service.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
verifier/verifier.h:
