build-dev/core/qr_payload.o: core/qr_payload.c core/core.h
core/core.h:
