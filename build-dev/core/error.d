build-dev/core/error.o: core/error.c core/core.h
core/core.h:
