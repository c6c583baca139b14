build-dev/core/buf.o: core/buf.c core/core.h
core/core.h:
