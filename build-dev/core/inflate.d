build-dev/core/inflate.o: core/inflate.c core/core.h
core/core.h:
