build-dev/service/http_api.o: service/http_api.c service/http_internal.h \
 service/service.h core/core.h issuer/issuer.h keys/keys.h \
 verifier/verifier.h
service/http_internal.h:
service/service.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
verifier/verifier.h:
