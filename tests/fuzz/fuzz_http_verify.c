/* libFuzzer target: the HTTP service's request handling (sc_http_handle), no sockets.
 * Input: one byte choosing the method, then the path up to the first '\n', then the body
 * (POST /verify: the first body byte chooses the pasted-text or the file field).
 * Properties: every answer is a status from 200 to 499 (bad input is never a 500), carries a
 * content type and, unless it has none by rule (304, HEAD), a body; an HTML answer never
 * contains a script element, whatever the credential or path held. */
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

#include "service/service.h"
#include "tests/fuzz/fuzz_checks.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Built once and read-only during the run (libFuzzer has no teardown). */
static sc_trust_list *trust;
static sc_http_config config;
static char public_dir[64] = "/tmp/fuzz-http-public-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  trust = fuzz_trust_list();
  if (!trust || !mkdtemp(public_dir))
    abort();
  /* A published file, so the static route has something to find. */
  char path[128];
  snprintf(path, sizeof path, "%s/issuer.json", public_dir);
  FILE *f = fopen(path, "w");
  if (!f || fputs("{\"id\":\"did:key:z6Mk\"}\n", f) < 0 || fclose(f) != 0)
    abort();
  config = (sc_http_config){
      .trust = trust, .public_dir = public_dir, .base_url = "https://verify.example"};
  if (sc_http_config_init(&config, NULL) != SC_OK)
    abort();
  return 0;
}

static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"};

static bool has_script(const sc_buf *body) {
  for (size_t i = 0; i + 7 <= body->len; i++) {
    if (body->data[i] == '<' && strncasecmp((const char *)body->data + i + 1, "script", 6) == 0)
      return true;
  }
  return false;
}

static bool sane(const sc_http_response *res) {
  if (res->status < 200 || res->status > 499 || !res->content_type)
    return false;
  if (!res->no_body && res->body.len == 0)
    return false;
  return !(strncmp(res->content_type, "text/html", 9) == 0 && has_script(&res->body));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  const char *method = methods[data[0] % (sizeof methods / sizeof *methods)];
  const uint8_t *rest = data + 1, *newline = memchr(rest, '\n', size - 1);
  size_t path_len = newline ? (size_t)(newline - rest) : size - 1;
  char *path = strndup((const char *)rest, path_len); /* a NUL ends the path, as in MHD */
  const uint8_t *body = newline ? newline + 1 : data + size;
  size_t body_len = (size_t)(data + size - body);
  char *text = body_len > 1 ? strndup((const char *)body + 1, body_len - 1) : NULL;
  bool as_file = body_len > 0 && (body[0] & 1);
  sc_http_request req = {
      .method = method,
      .path = path,
      .download = body_len > 0 && (body[0] & 2),
      .authorization = "Bearer wrong-token-for-fuzzing",
      .body = body,
      .body_len = body_len,
      .form_qr = as_file ? NULL : text,
      .form_file = as_file ? body + 1 : NULL,
      .form_file_len = as_file ? body_len - 1 : 0,
      .now = FUZZ_NOW,
  };
  sc_http_response res;
  sc_http_handle(&config, &req, &res);
  bool ok = !path || sane(&res);
  sc_http_response_free(&res);
  free(text);
  free(path);
  if (!ok)
    __builtin_trap();
  return 0;
}
