build-dev/core/crypto.o: core/crypto.c core/core.h
core/core.h:
