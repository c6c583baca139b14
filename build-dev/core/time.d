build-dev/core/time.o: core/time.c core/core.h
core/core.h:
