build-dev/core/mkdir.o: core/mkdir.c core/core.h
core/core.h:
