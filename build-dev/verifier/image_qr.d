build-dev/verifier/image_qr.o: verifier/image_qr.c verifier/verifier.h \
 core/core.h keys/keys.h /usr/include/libpng16/png.h \
 /usr/include/libpng16/pnglibconf.h /usr/include/libpng16/pngconf.h
verifier/verifier.h:
core/core.h:
keys/keys.h:
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:
