build-dev/core/file_group.o: core/file_group.c core/core.h
core/core.h:
