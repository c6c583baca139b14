build-dev/core/data_integrity.o: core/data_integrity.c core/core.h
core/core.h:
