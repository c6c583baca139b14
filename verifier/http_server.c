/* libmicrohttpd around sc_http_handle: limits, body collection, the request log, and a
 * graceful stop. MHD's own limits cap the request line and headers (connection memory), the
 * idle time and the number of connections; bodies are capped here. */
#include "verifier/http_internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEADER_MEMORY ((size_t)32 << 10) /* request line + headers: 414/431 above this */
#define LOG_PATH_MAX 120

struct sc_http_server {
  struct MHD_Daemon *daemon;
  const sc_http_config *cfg;
  bool quiet;
};

/* One request's state, from its first byte to the log line. */
typedef struct exchange {
  struct timespec start;
  char method[16];
  char log_path[LOG_PATH_MAX + 8];
  size_t cap;
  size_t received;
  bool too_large;
  sc_buf body;
  struct MHD_PostProcessor *form;
  sc_buf form_qr, form_file;
  int status;
} exchange;

/* The path as the log shows it: never the QR payload (it is the whole credential). */
static void log_path(const char *url, char *out, size_t size) {
  if (strncasecmp(url, "/V/", 3) == 0) {
    snprintf(out, size, "%.3s…", url);
    return;
  }
  size_t len = strlen(url);
  snprintf(out, size, "%.*s%s", (int)(len > LOG_PATH_MAX ? LOG_PATH_MAX : len), url,
           len > LOG_PATH_MAX ? "…" : "");
  for (char *p = out; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = '?'; /* a decoded path can hold line ends: one request, one line */
  }
}

static void log_line(const exchange *x) {
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  double ms =
      (double)(end.tv_sec - x->start.tv_sec) * 1e3 + (double)(end.tv_nsec - x->start.tv_nsec) / 1e6;
  time_t now = time(NULL);
  struct tm tm;
  char stamp[32];
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char status[8];
  snprintf(status, sizeof status, x->status ? "%d" : "-", x->status);
  fprintf(stderr, "%s %s %s %s %.1fms\n", stamp, x->method, x->log_path, status, ms);
}

static void completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)connection;
  (void)toe;
  const sc_http_server *server = cls;
  exchange *x = *con_cls;
  if (!x)
    return;
  if (!server->quiet)
    log_line(x);
  if (x->form)
    MHD_destroy_post_processor(x->form);
  sc_buf_free(&x->body);
  sc_buf_free(&x->form_qr);
  sc_buf_free(&x->form_file);
  free(x);
  *con_cls = NULL;
}

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size) {
  (void)kind, (void)filename, (void)content_type, (void)transfer_encoding, (void)off;
  exchange *x = cls;
  sc_buf *target = strcmp(key, "qr") == 0     ? &x->form_qr
                   : strcmp(key, "file") == 0 ? &x->form_file
                                              : NULL;
  if (target && size > 0 && !sc_buf_append(target, data, size))
    return MHD_NO;
  return MHD_YES;
}

static bool is_form(const char *type) {
  return type && (strncasecmp(type, "multipart/form-data", 19) == 0 ||
                  strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0);
}

static exchange *begin(struct MHD_Connection *connection, const char *url, const char *method) {
  exchange *x = calloc(1, sizeof *x);
  if (!x)
    return NULL;
  clock_gettime(CLOCK_MONOTONIC, &x->start);
  snprintf(x->method, sizeof x->method, "%s", method);
  log_path(url, x->log_path, sizeof x->log_path);
  bool upload = strcmp(url, "/verify") == 0;
  x->cap = upload ? SC_HTTP_MAX_UPLOAD : SC_HTTP_MAX_BODY;
  const char *type =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (upload && strcmp(method, "POST") == 0 && is_form(type))
    x->form = MHD_create_post_processor(connection, 16 << 10, form_field, x);
  const char *length =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (length && strtoull(length, NULL, 10) > x->cap)
    x->too_large = true; /* answered before the body is read */
  return x;
}

static void take_upload(exchange *x, const char *data, size_t size) {
  x->received += size;
  if (x->too_large || x->received > x->cap) {
    x->too_large = true;
    return;
  }
  bool ok = x->form ? MHD_post_process(x->form, data, size) == MHD_YES
                    : sc_buf_append(&x->body, data, size);
  if (!ok)
    x->too_large = true; /* out of memory or a broken form: refused as one */
}

static void add_headers(const sc_http_server *server, const sc_http_response *res,
                        struct MHD_Response *response) {
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  MHD_add_response_header(response, "Content-Security-Policy",
                          res->security_headers ? server->cfg->csp
                                                : "default-src 'none'; frame-ancestors 'none'");
  if (res->cache_control)
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, res->cache_control);
  if (res->etag[0])
    MHD_add_response_header(response, MHD_HTTP_HEADER_ETAG, res->etag);
  if (res->allow)
    MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, res->allow);
  if (res->disposition)
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_DISPOSITION, res->disposition);
  if (res->authenticate)
    MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE, res->authenticate);
  if (strncmp(res->content_type, "application/json", 16) == 0)
    MHD_add_response_header(response, "Access-Control-Allow-Origin", "*");
}

static enum MHD_Result send_answer(const sc_http_server *server, struct MHD_Connection *connection,
                                   exchange *x, sc_http_response *res) {
  size_t len = res->status == 304 ? 0 : res->body.len;
  char *body = sc_buf_take(&res->body);
  if (!body)
    return MHD_NO;
  struct MHD_Response *response = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!response) {
    free(body);
    return MHD_NO;
  }
  add_headers(server, res, response);
  x->status = res->status;
  enum MHD_Result rc = MHD_queue_response(connection, (unsigned)res->status, response);
  MHD_destroy_response(response);
  return rc;
}

static enum MHD_Result answer(const sc_http_server *server, struct MHD_Connection *connection,
                              const char *url, exchange *x) {
  sc_http_response res = {0};
  if (x->too_large) {
    http_page_error(413, "Too large", "The request is larger than this service accepts.", &res);
  } else {
    if (x->form)
      MHD_destroy_post_processor(x->form); /* flushes the last field */
    x->form = NULL;
    const char *download =
        MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "download");
    sc_http_request req = {
        .method = x->method,
        .path = url,
        .download = download && strcmp(download, "1") == 0,
        .content_type =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .authorization =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .if_none_match =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
        .body = x->body.data,
        .body_len = x->body.len,
        .form_qr = (const char *)x->form_qr.data,
        .form_file = x->form_file.data,
        .form_file_len = x->form_file.len,
        .now = (int64_t)time(NULL),
    };
    sc_http_handle(server->cfg, &req, &res);
  }
  enum MHD_Result rc = send_answer(server, connection, x, &res);
  sc_http_response_free(&res);
  return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  (void)version;
  const sc_http_server *server = cls;
  exchange *x = *con_cls;
  if (!x) {
    x = begin(connection, url, method);
    *con_cls = x;
    if (!x)
      return MHD_NO;
    if (x->too_large)
      return answer(server, connection, url, x); /* 413 at once; the body is never read */
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    take_upload(x, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  return answer(server, connection, url, x);
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:0" → a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *addr, bool *ipv6,
                        sc_error *err) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host)
    return sc_fail(err, SC_EUSAGE, "--listen: expected HOST:PORT, not '%s'", listen);
  snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
  if (host[0] == '[' && host[strlen(host) - 1] == ']') {
    memmove(host, host + 1, strlen(host));
    host[strlen(host) - 1] = '\0';
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || colon[1] == '\0' || port < 0 || port > 65535)
    return sc_fail(err, SC_EUSAGE, "--listen: '%s' is not a port", colon + 1);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found = NULL;
  if (getaddrinfo(host, colon + 1, &hints, &found) != 0 || !found)
    return sc_fail(err, SC_EUSAGE, "--listen: cannot resolve '%s'", host);
  memcpy(addr, found->ai_addr, found->ai_addrlen);
  *ipv6 = found->ai_family == AF_INET6;
  freeaddrinfo(found);
  return SC_OK;
}

static unsigned cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

int sc_http_start(const sc_http_config *cfg, const sc_http_server_options *opts,
                  sc_http_server **out, unsigned *port, sc_error *err) {
  struct sockaddr_storage addr = {0};
  bool ipv6 = false;
  int rc = parse_listen(opts->listen ? opts->listen : "127.0.0.1:8080", &addr, &ipv6, err);
  if (rc != SC_OK)
    return rc;
  sc_http_server *server = calloc(1, sizeof *server);
  if (!server)
    return sc_oom(err);
  *server = (sc_http_server){.cfg = cfg, .quiet = opts->quiet};
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO |
                   (opts->thread_per_connection ? MHD_USE_THREAD_PER_CONNECTION : 0) |
                   (ipv6 ? MHD_USE_IPv6 : 0);
  unsigned pool = opts->thread_per_connection ? 0 : (opts->threads ? opts->threads : cores());
  server->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, HEADER_MEMORY, MHD_OPTION_CONNECTION_LIMIT,
      opts->max_connections ? opts->max_connections : 512u, MHD_OPTION_CONNECTION_TIMEOUT,
      opts->timeout_seconds ? opts->timeout_seconds : 15u, MHD_OPTION_NOTIFY_COMPLETED, completed,
      server, MHD_OPTION_THREAD_POOL_SIZE, pool > 1 ? pool : 0u, MHD_OPTION_END);
  if (!server->daemon) {
    free(server);
    return sc_fail(err, SC_EIO, "cannot listen on %s (address in use, or not allowed)",
                   opts->listen ? opts->listen : "127.0.0.1:8080");
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *port = info ? info->port : 0;
  *out = server;
  return SC_OK;
}

static unsigned open_connections(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  return info ? info->num_connections : 0;
}

void sc_http_stop(sc_http_server *server, unsigned grace_seconds) {
  if (!server)
    return;
  MHD_socket listener = MHD_quiesce_daemon(server->daemon);
  struct timespec pause = {0, 20 * 1000 * 1000};
  for (unsigned waited = 0; open_connections(server->daemon) > 0 && waited < grace_seconds * 50;
       waited++)
    nanosleep(&pause, NULL);
  MHD_stop_daemon(server->daemon);
  if (listener != MHD_INVALID_SOCKET)
    close(listener);
  free(server);
}
