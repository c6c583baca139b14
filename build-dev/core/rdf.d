build-dev/core/rdf.o: core/rdf.c core/core.h
core/core.h:
