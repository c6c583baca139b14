build-dev/core/jsonld_cache.o: core/jsonld_cache.c core/jsonld_internal.h \
 core/core.h
core/jsonld_internal.h:
core/core.h:
