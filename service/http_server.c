/* libmicrohttpd around sc_http_handle: limits, body collection, the request log, and a
 * graceful stop. MHD's own limits cap the request line and headers (connection memory), the
 * idle time, the connections (in all and per client address); bodies and the time a request
 * may take to arrive are capped here. */
#include "service/http_internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEADER_MEMORY ((size_t)32 << 10) /* request line + headers: 414/431 above this */
#define FORM_BUFFER ((size_t)16 << 10)   /* a multipart part header or field name: 400 above */
#define LOG_PATH_MAX 120
#define LOG_METHOD_MAX 15

struct sc_http_server {
  struct MHD_Daemon *daemon;
  const sc_http_config *cfg;
  bool quiet;
  unsigned request_seconds;
  atomic_uint in_flight; /* requests from their first access-handler call to completion */
  atomic_bool stopping;  /* SIGTERM: answer what is in flight, accept nothing new */
};

/* Why a request is answered without reaching the routes. */
typedef enum refusal {
  NOT_REFUSED,
  REFUSED_TOO_LARGE,    /* 413 */
  REFUSED_BAD_FORM,     /* 400: the form could not be read */
  REFUSED_BAD_PATH,     /* 400: a NUL in the decoded path */
  REFUSED_TOO_SLOW,     /* 408: the request did not arrive in time */
  REFUSED_NO_MEMORY,    /* 503 */
  REFUSED_SHUTTING_DOWN /* 503 */
} refusal;

/* One request's state, from its request line to the log line. */
typedef struct exchange {
  struct timespec start; /* when the request line arrived */
  bool begun;            /* the access handler has seen it (and it counts as in flight) */
  bool answered;         /* a response is queued: the rest of the body is discarded */
  bool cut_off;          /* closed in the middle of the body, without an answer */
  char method[LOG_METHOD_MAX * 3 + 8];
  char log_path[LOG_PATH_MAX * 3 + 8];
  bool nul_in_path;
  size_t cap;
  size_t received;
  refusal refused;
  sc_buf body;
  struct MHD_PostProcessor *form;
  sc_buf form_qr, form_file;
  bool form_no_memory;
  int status;
  char log_note[192]; /* the response's, for the log line */
} exchange;

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Copies at most max_in of len bytes of text for the log: printable ASCII stays, every other
 * byte (space, controls, non-ASCII, NUL) and '%' itself become %XX, so a request cannot forge a
 * second line, a status or a duration, nor reorder the line with bidi characters. "…" (ours) marks
 * a cut. */
static void log_clean(const char *text, size_t len, char *out, size_t size, size_t max_in) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0, i = 0;
  for (; i < len && i < max_in && o + 4 < size; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c > 0x20 && c < 0x7f && c != '%') {
      out[o++] = (char)c;
    } else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  if (i < len && o + sizeof "…" <= size)
    memcpy(out + o, "…", sizeof "…");
}

/* The decoded path as the log shows it: never the QR payload (it is the whole credential). */
static void log_path(const char *path, size_t len, char *out, size_t size) {
  if (len >= 3 && strncasecmp(path, "/V/", 3) == 0) {
    snprintf(out, size, "%.3s…", path);
    return;
  }
  /* nor a claim token: whoever reads the log could open the learner's page with it */
  if (len >= 7 && strncasecmp(path, "/claim/", 7) == 0) {
    snprintf(out, size, "/claim/…");
    return;
  }
  /* nor an exchange's id: whoever holds it may claim the credential (docs/wallets.md) */
  if (len >= 11 && strncasecmp(path, "/exchanges/", 11) == 0) {
    snprintf(out, size, "%.11s…", path);
    return;
  }
  log_clean(path, len, out, size, LOG_PATH_MAX);
}

static void log_line(const exchange *x) {
  double ms = seconds_since(&x->start) * 1e3;
  time_t now = time(NULL);
  struct tm tm;
  char stamp[32];
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char status[8];
  snprintf(status, sizeof status, x->status ? "%d" : "-", x->status);
  fprintf(stderr, "%s %s %s %s %.1fms%s%s%s\n", stamp, x->method[0] ? x->method : "-",
          x->log_path, status, ms, x->cut_off ? " closed" : "", x->log_note[0] ? ": " : "",
          x->log_note);
}

/* The status MHD sent, also when it answered by itself (400, 413, 414, 431). */
static int status_sent(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_HTTP_STATUS);
  return info ? (int)info->http_status : 0;
}

static void completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)toe;
  sc_http_server *server = cls;
  exchange *x = *con_cls;
  if (!x)
    return;
  if (x->begun)
    atomic_fetch_sub(&server->in_flight, 1);
  if (!x->status)
    x->status = status_sent(connection);
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

/* Percent-decoding turns only "%00" into a NUL, and MHD's decoded url stops at it. */
static bool has_encoded_nul(const char *raw, size_t len) {
  for (const char *p = raw; (p = memchr(p, '%', len - (size_t)(p - raw))); p++)
    if ((size_t)(p - raw) + 3 <= len && p[1] == '0' && p[2] == '0')
      return true;
  return false;
}

/* Called by MHD as soon as the request line is read, before the headers: the exchange starts
 * here, so the arrival time counts from here and MHD's own error answers are logged too. The
 * path is decoded for the log only when there is a log. */
static void *request_line(void *cls, const char *uri, struct MHD_Connection *connection) {
  (void)connection;
  const sc_http_server *server = cls;
  exchange *x = calloc(1, sizeof *x);
  if (!x)
    return NULL;
  clock_gettime(CLOCK_MONOTONIC, &x->start);
  size_t raw_len = strcspn(uri, "?");
  x->nul_in_path = has_encoded_nul(uri, raw_len);
  if (server->quiet)
    return x;
  char *path = malloc(raw_len + 1);
  if (!path) {
    snprintf(x->log_path, sizeof x->log_path, "-");
    return x;
  }
  memcpy(path, uri, raw_len);
  path[raw_len] = '\0';
  log_path(path, MHD_http_unescape(path), x->log_path, sizeof x->log_path);
  free(path);
  return x;
}

/* A part without a name (no Content-Disposition name) is none of ours: ignored. */
static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size) {
  (void)kind, (void)filename, (void)content_type, (void)transfer_encoding, (void)off;
  exchange *x = cls;
  if (!key)
    return MHD_YES;
  sc_buf *target = strcmp(key, "qr") == 0     ? &x->form_qr
                   : strcmp(key, "file") == 0 ? &x->form_file
                                              : NULL;
  if (target && size > 0 && !sc_buf_append(target, data, size)) {
    x->form_no_memory = true;
    return MHD_NO;
  }
  return MHD_YES;
}

static bool is_form(const char *type) {
  return type && (strncasecmp(type, "multipart/form-data", 19) == 0 ||
                  strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0);
}

static bool too_slow(const sc_http_server *server, const exchange *x) {
  return seconds_since(&x->start) > (double)server->request_seconds;
}

/* The first call of the access handler: the headers are in. */
static void begin(sc_http_server *server, struct MHD_Connection *connection, const char *url,
                  const char *method, exchange *x) {
  x->begun = true;
  atomic_fetch_add(&server->in_flight, 1);
  log_clean(method, strlen(method), x->method, sizeof x->method, LOG_METHOD_MAX);
  bool upload = strcmp(url, "/verify") == 0;
  x->cap = upload ? SC_HTTP_MAX_UPLOAD : SC_HTTP_MAX_BODY;
  const char *type =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (upload && strcmp(method, "POST") == 0 && is_form(type))
    x->form = MHD_create_post_processor(connection, FORM_BUFFER, form_field, x);
  const char *length =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (atomic_load(&server->stopping))
    x->refused = REFUSED_SHUTTING_DOWN;
  else if (x->nul_in_path)
    x->refused = REFUSED_BAD_PATH;
  else if (too_slow(server, x))
    x->refused = REFUSED_TOO_SLOW;
  else if (length && strtoull(length, NULL, 10) > x->cap)
    x->refused = REFUSED_TOO_LARGE; /* answered before the body is read */
}

/* Body bytes: kept up to the cap; once the form is known to be broken they are only counted
 * (the 400 goes out when the body is in, bounded by the cap). */
static void take_upload(const sc_http_server *server, exchange *x, const char *data, size_t size) {
  x->received += size;
  if (x->received > x->cap) {
    x->refused = REFUSED_TOO_LARGE;
    return;
  }
  if (too_slow(server, x)) {
    x->refused = REFUSED_TOO_SLOW;
    return;
  }
  if (x->refused)
    return;
  bool ok = x->form ? MHD_post_process(x->form, data, size) == MHD_YES
                    : sc_buf_append(&x->body, data, size);
  if (!ok)
    x->refused = x->form && !x->form_no_memory ? REFUSED_BAD_FORM : REFUSED_NO_MEMORY;
}

/* A body past the cap (chunked: no Content-Length to refuse it up front) or one that trickles
 * past the deadline is not read further. libmicrohttpd 0.9.7x cannot queue an answer in the
 * middle of a body, so the connection is closed without one. */
static bool cut_off(exchange *x) {
  if (x->refused != REFUSED_TOO_LARGE && x->refused != REFUSED_TOO_SLOW)
    return false;
  x->status = x->refused == REFUSED_TOO_LARGE ? 413 : 408;
  x->cut_off = true;
  return true;
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
  if (res->vary)
    MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, res->vary);
  if (res->allow)
    MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, res->allow);
  if (res->disposition)
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_DISPOSITION, res->disposition);
  if (res->authenticate)
    MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE, res->authenticate);
  if (res->noindex)
    MHD_add_response_header(response, "X-Robots-Tag", "noindex");
  if (res->retry_after) {
    char seconds[16];
    snprintf(seconds, sizeof seconds, "%u", res->retry_after);
    MHD_add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
  }
  /* JSON is for any site's scripts, but not a claim page's: its address is a secret */
  if (strncmp(res->content_type, "application/json", 16) == 0 && !res->noindex)
    MHD_add_response_header(response, "Access-Control-Allow-Origin", "*");
}

/* close: the connection ends after this answer (a refused body is not read to its end; a
 * stopping server keeps no connection open). */
static enum MHD_Result send_answer(const sc_http_server *server, struct MHD_Connection *connection,
                                   exchange *x, sc_http_response *res, bool close) {
  /* A 304 keeps the full body: libmicrohttpd sends no body with it, and its Content-Length
   * is then the representation's length, the only one RFC 9110 (8.6) allows there. */
  size_t len = res->body.len;
  char *body = sc_buf_take(&res->body);
  if (!body)
    return MHD_NO;
  struct MHD_Response *response = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!response) {
    free(body);
    return MHD_NO;
  }
  add_headers(server, res, response);
  if (close || atomic_load(&server->stopping))
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result rc = MHD_queue_response(connection, (unsigned)res->status, response);
  if (rc == MHD_YES) {
    x->status = res->status;
    x->answered = true;
    memcpy(x->log_note, res->log_note, sizeof x->log_note);
  }
  MHD_destroy_response(response);
  return rc;
}

/* A NUL in a /V/ or /C/ path: the same "not a readable certificate" page as any other broken
 * QR code or link, so a phone user learns what is wrong with the code scanned. */
static void bad_path_page(const sc_http_server *server, const sc_http_request *req,
                          sc_http_response *res) {
  const char *url = req->path;
  bool payload = strncasecmp(url, "/V/", 3) == 0;
  if (!payload && strncasecmp(url, "/C/", 3) != 0) {
    http_page_error(req, 400, N_("Bad request"),
                    N_("The address holds a character that is not allowed."), res);
    return;
  }
  sc_error err = {0};
  sc_fail(&err, SC_EDATA, "the address holds a NUL character (%%00)");
  sc_verification v = {0};
  sc_verification_fail(&v, payload ? "QR code" : "link", &err);
  http_page_verdict(server->cfg, req, &v, 400, res);
  res->cache_control = "no-cache";
  sc_verification_free(&v);
}

static void refusal_page(const sc_http_server *server, const sc_http_request *req, refusal why,
                         sc_http_response *res) {
  switch (why) {
  case REFUSED_TOO_LARGE:
    http_page_error(req, 413, N_("Too large"),
                    N_("The request is larger than this service accepts."), res);
    break;
  case REFUSED_BAD_FORM:
    http_page_error(req, 400, N_("Bad request"), N_("The form could not be read."), res);
    break;
  case REFUSED_BAD_PATH:
    bad_path_page(server, req, res);
    break;
  case REFUSED_TOO_SLOW:
    http_page_error(req, 408, N_("Request timeout"), N_("The request took too long to arrive."),
                    res);
    break;
  case REFUSED_SHUTTING_DOWN:
    http_page_error(req, 503, N_("Shutting down"),
                    N_("The service is stopping; try again shortly."), res);
    break;
  default:
    http_page_error(req, 503, N_("Busy"), N_("The service is short of memory; try again shortly."),
                    res);
    break;
  }
}

/* Answers a refused request and closes the connection after the answer: at the first call
 * (headers in, body unread) or once the body is in. */
static enum MHD_Result refuse(const sc_http_server *server, struct MHD_Connection *connection,
                              const char *url, const char *method, exchange *x) {
  sc_http_response res = {0};
  /* Only what the page needs: the path and the reader's language. */
  sc_http_request req = {
      .method = method,
      .path = url,
      .accept_language = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
      .lang_query = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "lang"),
      .now = (int64_t)time(NULL),
  };
  refusal_page(server, &req, x->refused, &res);
  enum MHD_Result rc = send_answer(server, connection, x, &res, true);
  sc_http_response_free(&res);
  return rc;
}

/* The client's IP address as text ("" when unknown): what the /claim/ rate limit counts by. */
static const char *client_address(struct MHD_Connection *connection, char out[INET6_ADDRSTRLEN]) {
  out[0] = '\0';
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *addr = info ? info->client_addr : NULL;
  if (addr && addr->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)addr)->sin_addr, out,
              INET6_ADDRSTRLEN);
  else if (addr && addr->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr, out,
              INET6_ADDRSTRLEN);
  return out;
}

static enum MHD_Result answer(const sc_http_server *server, struct MHD_Connection *connection,
                              const char *url, const char *method, exchange *x) {
  if (x->form && MHD_destroy_post_processor(x->form) != MHD_YES && x->form_no_memory)
    x->refused = REFUSED_NO_MEMORY; /* the last field, flushed here, did not fit */
  x->form = NULL;
  if (x->refused)
    return refuse(server, connection, url, method, x);
  const char *download = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "download");
  const char *auth = NULL; /* with its length: a NUL must not cut a wrong token short */
  size_t auth_len = 0;
  if (MHD_lookup_connection_value_n(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION,
                                    strlen(MHD_HTTP_HEADER_AUTHORIZATION), &auth,
                                    &auth_len) != MHD_YES)
    auth = NULL;
  char client[INET6_ADDRSTRLEN];
  sc_http_request req = {
      .method = method,
      .path = url,
      .client = client_address(connection, client),
      .download = download && strcmp(download, "1") == 0,
      .content_type =
          MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
      .authorization = auth,
      .authorization_len = auth_len,
      .if_none_match =
          MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
      .accept_language = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
      .lang_query = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "lang"),
      .body = x->body.data,
      .body_len = x->body.len,
      .form_qr = (const char *)x->form_qr.data,
      .form_file = x->form_file.data,
      .form_file_len = x->form_file.len,
      .now = (int64_t)time(NULL),
  };
  sc_http_response res = {0};
  sc_http_handle(server->cfg, &req, &res);
  enum MHD_Result rc = send_answer(server, connection, x, &res, false);
  sc_http_response_free(&res);
  return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  (void)version;
  sc_http_server *server = cls;
  exchange *x = *con_cls;
  if (!x)
    return MHD_NO; /* out of memory at the request line */
  if (!x->begun) {
    begin(server, connection, url, method, x);
    return x->refused ? refuse(server, connection, url, method, x) : MHD_YES;
  }
  if (x->answered) { /* refused mid-body: the rest is dropped unread */
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    take_upload(server, x, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return cut_off(x) ? MHD_NO : MHD_YES;
  }
  return answer(server, connection, url, method, x);
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
  server->cfg = cfg;
  server->quiet = opts->quiet;
  server->request_seconds = opts->request_seconds ? opts->request_seconds : 60u;
  atomic_init(&server->in_flight, 0u);
  atomic_init(&server->stopping, false);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO |
                   (opts->thread_per_connection ? MHD_USE_THREAD_PER_CONNECTION : 0) |
                   (ipv6 ? MHD_USE_IPv6 : 0);
  unsigned pool = opts->thread_per_connection ? 0 : (opts->threads ? opts->threads : cores());
  server->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, HEADER_MEMORY, MHD_OPTION_CONNECTION_LIMIT,
      opts->max_connections ? opts->max_connections : 512u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      opts->max_connections_per_ip ? opts->max_connections_per_ip : 64u,
      MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout_seconds ? opts->timeout_seconds : 15u,
      MHD_OPTION_URI_LOG_CALLBACK, request_line, server, MHD_OPTION_NOTIFY_COMPLETED, completed,
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

/* SIGTERM: refuse new connections at once (the listening socket stops listening), let the
 * requests in flight finish within grace_seconds, then close every connection, idle
 * keep-alive ones included: they hold no request, so nobody waits on them. */
void sc_http_stop(sc_http_server *server, unsigned grace_seconds) {
  if (!server)
    return;
  atomic_store(&server->stopping, true);
  MHD_socket listener = MHD_quiesce_daemon(server->daemon);
  /* shutdown, not close: MHD's threads may still hold the descriptor until they stop, but
   * connection attempts are refused from now on. */
  if (listener != MHD_INVALID_SOCKET)
    shutdown(listener, SHUT_RDWR);
  struct timespec pause = {0, 20 * 1000 * 1000};
  for (unsigned waited = 0; atomic_load(&server->in_flight) > 0 && waited < grace_seconds * 50;
       waited++)
    nanosleep(&pause, NULL);
  MHD_stop_daemon(server->daemon);
  if (listener != MHD_INVALID_SOCKET)
    close(listener);
  free(server);
}
