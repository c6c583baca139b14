build-dev/verifier/status_documents.o: verifier/status_documents.c \
 verifier/status_internal.h verifier/verifier.h core/core.h keys/keys.h
verifier/status_internal.h:
verifier/verifier.h:
core/core.h:
keys/keys.h:
