build-dev/core/jsonld_expand.o: core/jsonld_expand.c \
 core/jsonld_internal.h core/core.h
core/jsonld_internal.h:
core/core.h:
