build-dev/core/badge.o: core/badge.c core/core.h
core/core.h:
