build-dev/core/base32.o: core/base32.c core/core.h
core/core.h:
