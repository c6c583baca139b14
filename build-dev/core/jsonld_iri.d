build-dev/core/jsonld_iri.o: core/jsonld_iri.c core/jsonld_internal.h \
 core/core.h
core/jsonld_internal.h:
core/core.h:
