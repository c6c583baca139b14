build-dev/core/json_strict.o: core/json_strict.c core/core.h
core/core.h:
