build-dev/core/did_web.o: core/did_web.c core/core.h
core/core.h:
