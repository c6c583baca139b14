build-dev/core/base58.o: core/base58.c core/core.h
core/core.h:
