build-dev/core/terminal_text.o: core/terminal_text.c core/core.h
core/core.h:
