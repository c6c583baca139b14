build-dev/core/jcs.o: core/jcs.c core/core.h
core/core.h:
