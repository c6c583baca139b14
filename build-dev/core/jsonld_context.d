build-dev/core/jsonld_context.o: core/jsonld_context.c \
 core/jsonld_internal.h core/core.h
core/jsonld_internal.h:
core/core.h:
