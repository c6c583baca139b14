build-dev/core/hex.o: core/hex.c core/core.h
core/core.h:
