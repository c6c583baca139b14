build-dev/core/alloc_watch.o: core/alloc_watch.c core/core.h
core/core.h:
