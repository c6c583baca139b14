build-dev/core/did_key.o: core/did_key.c core/core.h
core/core.h:
