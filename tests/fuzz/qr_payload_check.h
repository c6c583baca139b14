/*
 * tests/fuzz/qr_payload_check.h — what the QR payload fuzz target checks, shared with the
 * unit test that replays its corpus (tests/unit/test_qr_payload.c), so an input that breaks
 * the fuzz target fails `make test` through the same code.
 *
 * Input: scanned QR text as is; or, when the first byte is 0x01, the rest is taken as the
 * DEFLATE stream itself and wrapped as HTTPS://FUZZ.EXAMPLE/V/1<BASE32>, so that mutations
 * reach the inflater and the JSON intake instead of dying in base32.
 */
#ifndef SKILLCERT_QR_PAYLOAD_CHECK_H
#define SKILLCERT_QR_PAYLOAD_CHECK_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define FUZZ_QR_RAW_DEFLATE 0x01
#define FUZZ_QR_BASE "HTTPS://FUZZ.EXAMPLE"

static inline char *fuzz_qr_text(const uint8_t *data, size_t size) {
  if (size > 0 && data[0] == FUZZ_QR_RAW_DEFLATE) {
    char *b32 = sc_base32_encode(data + 1, size - 1);
    sc_buf text = {0};
    bool ok = b32 && sc_buf_append_str(&text, FUZZ_QR_BASE "/V/1") && sc_buf_append_str(&text, b32);
    free(b32);
    if (!ok) {
      sc_buf_free(&text);
      return NULL;
    }
    return sc_buf_take(&text);
  }
  char *text = malloc(size + 1);
  if (text) {
    memcpy(text, data, size);
    text[size] = '\0'; /* an embedded NUL ends the text, as it would in C callers */
  }
  return text;
}

/* A decoded credential encodes again and decodes to the same JSON, byte for byte in JCS. */
static inline bool fuzz_qr_embedded_round_trips(const json_t *credential) {
  char *text = sc_qr_payload_encode(credential, "https://fuzz.example", NULL);
  if (!text)
    return false;
  sc_qr_content again;
  bool same = sc_qr_payload_decode(text, &again, NULL) == SC_OK && again.kind == SC_QR_EMBEDDED;
  char *a = same ? sc_jcs(credential, NULL) : NULL,
       *b = same ? sc_jcs(again.credential, NULL) : NULL;
  same = same && a && b && strcmp(a, b) == 0;
  free(a);
  free(b);
  sc_qr_content_free(&again);
  free(text);
  return same;
}

static inline bool fuzz_qr_link_round_trips(const char *uuid) {
  char *text = sc_qr_link_encode("https://fuzz.example", uuid, NULL);
  if (!text)
    return false;
  sc_qr_content again;
  bool same = sc_qr_payload_decode(text, &again, NULL) == SC_OK && again.kind == SC_QR_LINK &&
              strcmp(again.uuid, uuid) == 0;
  sc_qr_content_free(&again);
  free(text);
  return same;
}

/* sc_qr_payload_decode: a refusal is SC_EDATA (or out of memory) with a message and nothing
 * owned; an acceptance is a JSON object that round-trips, or a lower-case UUID. */
static inline bool fuzz_check_qr_payload(const uint8_t *data, size_t size) {
  char *text = fuzz_qr_text(data, size);
  if (!text)
    return true; /* out of memory building the input is not the codec's fault */
  sc_qr_content content;
  sc_error err = {0};
  int rc = sc_qr_payload_decode(text, &content, &err);
  bool sane;
  if (rc != SC_OK)
    sane = (rc == SC_EDATA || rc == SC_ESOFTWARE) && err.code == rc && err.message[0] != '\0' &&
           content.credential == NULL;
  else if (content.kind == SC_QR_EMBEDDED)
    sane = json_is_object(content.credential) && fuzz_qr_embedded_round_trips(content.credential);
  else
    sane = content.kind == SC_QR_LINK && content.credential == NULL && strlen(content.uuid) == 36 &&
           strspn(content.uuid, "0123456789abcdef-") == 36 &&
           fuzz_qr_link_round_trips(content.uuid);
  sc_qr_content_free(&content);
  free(text);
  return sane;
}

#endif
