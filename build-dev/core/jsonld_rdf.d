build-dev/core/jsonld_rdf.o: core/jsonld_rdf.c core/jsonld_internal.h \
 core/core.h
core/jsonld_internal.h:
core/core.h:
