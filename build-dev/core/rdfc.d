build-dev/core/rdfc.o: core/rdfc.c core/core.h
core/core.h:
