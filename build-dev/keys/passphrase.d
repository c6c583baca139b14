build-dev/keys/passphrase.o: keys/passphrase.c keys/keys.h core/core.h
keys/keys.h:
core/core.h:
