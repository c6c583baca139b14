build-dev/keys/trust.o: keys/trust.c keys/keys.h core/core.h
keys/keys.h:
core/core.h:
