build-dev/keys/secret_memory.o: keys/secret_memory.c keys/keys.h \
 core/core.h
keys/keys.h:
core/core.h:
