build-dev/core/status_list.o: core/status_list.c core/core.h
core/core.h:
