build-dev/core/multibase.o: core/multibase.c core/core.h
core/core.h:
