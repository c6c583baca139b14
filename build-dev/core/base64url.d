build-dev/core/base64url.o: core/base64url.c core/core.h
core/core.h:
