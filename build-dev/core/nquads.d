build-dev/core/nquads.o: core/nquads.c core/core.h
core/core.h:
