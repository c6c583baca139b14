build-dev/core/file_io.o: core/file_io.c core/core.h
core/core.h:
