build-dev/core/jsonld_contexts.o: core/jsonld_contexts.c core/core.h
core/core.h:
