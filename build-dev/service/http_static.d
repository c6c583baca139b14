build-dev/service/http_static.o: service/http_static.c \
 service/http_internal.h service/service.h core/core.h issuer/issuer.h \
 keys/keys.h verifier/verifier.h
service/http_internal.h:
service/service.h:
core/core.h:
issuer/issuer.h:
keys/keys.h:
verifier/verifier.h:
