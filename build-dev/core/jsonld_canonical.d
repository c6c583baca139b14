build-dev/core/jsonld_canonical.o: core/jsonld_canonical.c core/core.h
core/core.h:
