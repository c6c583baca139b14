build-dev/core/multikey.o: core/multikey.c core/core.h
core/core.h:
