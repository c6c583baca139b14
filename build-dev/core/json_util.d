build-dev/core/json_util.o: core/json_util.c core/core.h
core/core.h:
