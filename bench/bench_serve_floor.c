/*
 * The floor under serve-verify-api: a libmicrohttpd server set up as `skillcert serve` is
 * (internal polling, a pool of one thread per core, the same connection memory), doing for
 * POST only what no verifier can skip with this project's libraries — jansson's strict parse
 * of the body and one Ed25519 verification through OpenSSL — and answering a fixed JSON text
 * of the real answer's size. Everything else `serve` does (JCS, the two SHA-256, the checks,
 * the report) is left out, so its rate under the same wrk load bounds what `serve` can reach.
 * bench/bench_serve.sh runs it. Prints "listening on http://127.0.0.1:PORT"; stops on SIGTERM.
 */
#include "bench/bench_support.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ANSWER_BYTES 700 /* the size of serve's answer for a valid credential */

/* Strict intake as sc_json_parse asks jansson for it. */
#define STRICT_FLAGS                                                                               \
  (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY)

static struct {
  EVP_PKEY *key;
  uint8_t message[64]; /* two SHA-256 digests in eddsa-jcs-2022 */
  uint8_t signature[SC_ED25519_SIGNATURE_BYTES];
  char answer[ANSWER_BYTES + 1];
} floor_state;

static bool parse_and_verify(const sc_buf *body) {
  json_t *parsed = json_loadb((const char *)body->data, body->len, STRICT_FLAGS, NULL);
  bool ok = json_is_object(parsed);
  json_decref(parsed);
  sc_error err = {0};
  return ok &&
         sc_ed25519_verify_key(floor_state.key, floor_state.message, sizeof floor_state.message,
                               floor_state.signature, sizeof floor_state.signature, &err) == SC_OK;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **state) {
  (void)cls, (void)url, (void)method, (void)version;
  sc_buf *body = *state;
  if (!body) { /* headers only: the body follows */
    *state = calloc(1, sizeof *body);
    return *state ? MHD_YES : MHD_NO;
  }
  if (*size) {
    bool kept = sc_buf_append(body, data, *size);
    *size = 0;
    return kept ? MHD_YES : MHD_NO;
  }
  bool ok = parse_and_verify(body);
  sc_buf_free(body);
  free(body);
  *state = NULL;
  struct MHD_Response *response =
      MHD_create_response_from_buffer(ANSWER_BYTES, floor_state.answer, MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  enum MHD_Result rc = MHD_queue_response(connection, ok ? 200 : 422, response);
  MHD_destroy_response(response);
  return rc;
}

static void make_key(void) {
  sc_error err = {0};
  EVP_PKEY *private_key = sc_ed25519_generate(&err);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  if (!private_key ||
      sc_ed25519_sign(private_key, floor_state.message, sizeof floor_state.message,
                      floor_state.signature, &err) != SC_OK ||
      sc_ed25519_public(private_key, pub, &err) != SC_OK)
    bench_die("key", &err);
  EVP_PKEY_free(private_key);
  floor_state.key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
  if (!floor_state.key)
    bench_die("public key", NULL);
}

int main(void) {
  make_key();
  memset(floor_state.answer, ' ', ANSWER_BYTES);
  memcpy(floor_state.answer, "{\"verified\": true}", 18);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  struct sockaddr_in loopback = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  struct MHD_Daemon *daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO, 0, NULL, NULL, on_request, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&loopback, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      (size_t)32 << 10, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cores > 1 ? cores : 0),
      MHD_OPTION_END);
  if (!daemon)
    bench_die("cannot start libmicrohttpd", NULL);
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  printf("listening on http://127.0.0.1:%u\n", info ? info->port : 0);
  fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  MHD_stop_daemon(daemon);
  EVP_PKEY_free(floor_state.key);
  return 0;
}
