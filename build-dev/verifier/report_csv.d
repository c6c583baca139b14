build-dev/verifier/report_csv.o: verifier/report_csv.c \
 verifier/verifier.h core/core.h keys/keys.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
