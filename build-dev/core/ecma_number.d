build-dev/core/ecma_number.o: core/ecma_number.cc core/core.h
core/core.h:
