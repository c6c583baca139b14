build-dev/verifier/status_memo.o: verifier/status_memo.c \
 verifier/verifier.h core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
