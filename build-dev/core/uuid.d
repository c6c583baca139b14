build-dev/core/uuid.o: core/uuid.c core/core.h
core/core.h:
