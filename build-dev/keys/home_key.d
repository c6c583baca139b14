build-dev/keys/home_key.o: keys/home_key.c keys/keys.h core/core.h
keys/keys.h:
core/core.h:
