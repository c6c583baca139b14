build-dev/core/key_cache.o: core/key_cache.c core/core.h
core/core.h:
