/* Shared by the QR encoder's files (qr.c, qr_mask.c) and their unit test only. */
#ifndef SKILLCERT_QR_INTERNAL_H
#define SKILLCERT_QR_INTERNAL_H

#include "issuer/issuer.h"

/* Lines of up to this many modules (version 23) fit the penalty's 128-bit rows. */
#define SC_QR_PENALTY_MAX_WIDTH 112

/* The mask penalty of a finished symbol (module i dark when modules[i] & 1), as libqrencode's
 * mask choice scores it (qr_mask.c says where the two differ); -1 when width is out of range. */
int sc_qr_penalty(const unsigned char *modules, int width);

/* The mask (0-7) the standard's rule picks for a symbol, given libqrencode's symbol for mask 0
 * of the same input: each mask's symbol is derived from it (data modules flipped, format
 * information rewritten) and scored as sc_qr_penalty scores it; the lowest wins, the first of
 * equals. -1 when width is out of range or memory runs out. */
int sc_qr_best_mask(const unsigned char *mask0_modules, int width);

#endif
