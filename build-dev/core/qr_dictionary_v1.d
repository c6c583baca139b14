build-dev/core/qr_dictionary_v1.o: core/qr_dictionary_v1.c core/core.h
core/core.h:
