build-dev/core/status_words.o: core/status_words.c core/core.h
core/core.h:
