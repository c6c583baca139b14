build-dev/keys/keyfile.o: keys/keyfile.c keys/keys.h core/core.h
keys/keys.h:
core/core.h:
