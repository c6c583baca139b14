/* GET a status list (or other public document) with libcurl, within fixed limits: HTTPS only
 * unless asked, few redirects, short timeouts, a size cap enforced while receiving. */
#include "verifier/verifier.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_TOTAL_TIMEOUT_MS 15000L
#define DEFAULT_MAX_BYTES ((size_t)1 << 20)
#define DEFAULT_MAX_REDIRECTS 3L

/* curl_global_init is not thread-safe and must run once per process before any other libcurl
 * call. The library has no main to call it from, so the first fetch does it, guarded by
 * pthread_once: the only process-wide state here, and libcurl's own requirement. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

static void init_curl(void) {
  curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct receiver {
  sc_buf *body;
  size_t max_bytes;
  bool too_large;
  bool out_of_memory;
  bool conditional;  /* If-None-Match or If-Modified-Since was sent: 304 is an answer */
  bool not_modified; /* and it came */
} receiver;

/* Returning less than offered makes libcurl stop with CURLE_WRITE_ERROR. */
static size_t receive(char *data, size_t size, size_t count, void *userdata) {
  receiver *r = userdata;
  size_t n = size * count;
  if (n > r->max_bytes - r->body->len) {
    r->too_large = true;
    return 0;
  }
  if (!sc_buf_append(r->body, data, n)) {
    r->out_of_memory = true;
    return 0;
  }
  return n;
}

static sc_fetch_limits effective_limits(const sc_fetch_limits *given) {
  sc_fetch_limits l = given ? *given : (sc_fetch_limits){0};
  if (l.connect_timeout_ms <= 0)
    l.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  if (l.total_timeout_ms <= 0)
    l.total_timeout_ms = DEFAULT_TOTAL_TIMEOUT_MS;
  if (l.max_bytes == 0)
    l.max_bytes = DEFAULT_MAX_BYTES;
  if (l.max_redirects <= 0)
    l.max_redirects = DEFAULT_MAX_REDIRECTS;
  return l;
}

/* $SKILLCERT_CA_FILE names extra certificate authorities (a company's own CA, or a test's),
 * used instead of the system bundle; verification of the server is never switched off. */
static bool trust_extra_ca(CURL *curl) {
  const char *ca = getenv("SKILLCERT_CA_FILE");
  return !ca || !*ca || curl_easy_setopt(curl, CURLOPT_CAINFO, ca) == CURLE_OK;
}

/* Content-Encoding is left alone (no CURLOPT_ACCEPT_ENCODING): what arrives is what counts
 * against max_bytes, so a compressed response cannot expand past the cap. */
static bool configure(CURL *curl, const char *url, bool allow_http, const sc_fetch_limits *l,
                      receiver *r, char *error_text) {
  const char *protocols = allow_http ? "http,https" : "https";
  return curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_MAXREDIRS, l->max_redirects) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, l->connect_timeout_ms) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, l->total_timeout_ms) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)l->max_bytes) == CURLE_OK &&
         /* no SIGALRM for DNS timeouts: callers may run several verifications in threads */
         curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_USERAGENT, "skillcert") == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, receive) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_WRITEDATA, r) == CURLE_OK &&
         curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text) == CURLE_OK &&
         trust_extra_ca(curl);
}

static int size_text_fail(const char *url, size_t max_bytes, sc_error *err) {
  if (max_bytes % ((size_t)1 << 20) == 0)
    return sc_fail(err, SC_ESTATUS, "%s: larger than %zu MiB", url, max_bytes >> 20);
  return sc_fail(err, SC_ESTATUS, "%s: larger than %zu bytes", url, max_bytes);
}

static int transfer_result(CURL *curl, CURLcode rc, const char *url, receiver *r,
                           const char *error_text, sc_error *err) {
  if (r->out_of_memory)
    return sc_oom(err);
  if (r->too_large || rc == CURLE_FILESIZE_EXCEEDED)
    return size_text_fail(url, r->max_bytes, err);
  if (rc == CURLE_UNSUPPORTED_PROTOCOL)
    return sc_fail(err, SC_ESTATUS, "%s: only https:// is allowed (--allow-http for http://; %s)",
                   url, error_text[0] ? error_text : curl_easy_strerror(rc));
  if (rc != CURLE_OK)
    return sc_fail(err, SC_ESTATUS, "%s: %s", url,
                   error_text[0] ? error_text : curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status == 304 && r->conditional) {
    r->not_modified = true;
    return SC_OK;
  }
  if (status < 200 || status > 299)
    return sc_fail(err, SC_ESTATUS, "%s: HTTP %ld", url, status);
  return SC_OK;
}

void sc_fetch_budget_start(sc_status_source *src) {
  long budget = src->fetch_budget_ms > 0 ? src->fetch_budget_ms : SC_FETCH_BUDGET_MS;
  src->fetch_deadline_ms = sc_monotonic_ms() + budget;
}

/* The fetch's own total timeout, cut to what is left before the deadline (in ms, > 0), or
 * SC_ESTATUS when nothing is left. */
static int fit_to_deadline(const char *url, int64_t deadline_ms, sc_fetch_limits *l,
                           sc_error *err) {
  int64_t left = deadline_ms - sc_monotonic_ms();
  if (left <= 0)
    return sc_fail(err, SC_ESTATUS,
                   "%s: not fetched: the time for this verification's fetches ran out", url);
  if (left < l->total_timeout_ms)
    l->total_timeout_ms = (long)left;
  if (l->connect_timeout_ms > l->total_timeout_ms)
    l->connect_timeout_ms = l->total_timeout_ms;
  return SC_OK;
}

/* A validator is sent back in a header line: only printable ASCII is kept (no CR or LF that
 * could start a header of the server's choosing), and only whole. */
static void keep_validator(CURL *curl, const char *name, char *out, size_t size) {
  struct curl_header *h = NULL;
  out[0] = '\0';
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h->value)
    return;
  size_t len = strlen(h->value);
  if (len == 0 || len >= size)
    return;
  for (size_t i = 0; i < len; i++)
    if (h->value[i] < 0x20 || h->value[i] > 0x7e)
      return;
  memcpy(out, h->value, len + 1);
}

/* The request headers asking for the body only when it changed; *list NULL when none. */
static bool ask_if_changed(CURL *curl, const sc_fetch_validators *known, struct curl_slist **list) {
  char line[SC_ETAG_MAX + 32];
  *list = NULL;
  if (!known)
    return true;
  if (known->etag[0]) {
    snprintf(line, sizeof line, "If-None-Match: %s", known->etag);
    struct curl_slist *more = curl_slist_append(*list, line);
    if (!more)
      return false;
    *list = more;
  }
  /* A date has a resolution of one second, an ETag none: with both, a server must go by the
   * ETag (RFC 9110 §13.1.3), so the date is sent only when there is no ETag. */
  if (!known->etag[0] && known->last_modified[0]) {
    snprintf(line, sizeof line, "If-Modified-Since: %s", known->last_modified);
    struct curl_slist *more = curl_slist_append(*list, line);
    if (!more)
      return false;
    *list = more;
  }
  return !*list || curl_easy_setopt(curl, CURLOPT_HTTPHEADER, *list) == CURLE_OK;
}

static int perform(const char *url, bool allow_http, const sc_fetch_limits *l,
                   const sc_fetch_validators *known, sc_buf *body, sc_fetch_validators *got,
                   bool *not_modified, sc_error *err) {
  CURL *curl = curl_easy_init();
  if (!curl)
    return sc_oom(err);
  receiver r = {.body = body, .max_bytes = l->max_bytes};
  char error_text[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  int rc;
  if (!ask_if_changed(curl, known, &headers))
    rc = sc_oom(err);
  else if (!configure(curl, url, allow_http, l, &r, error_text))
    rc = sc_fail(err, SC_ESTATUS, "%s: libcurl refused an option (too old?)", url);
  else {
    r.conditional = headers != NULL;
    rc = transfer_result(curl, curl_easy_perform(curl), url, &r, error_text, err);
  }
  if (rc == SC_OK && got) {
    keep_validator(curl, "ETag", got->etag, sizeof got->etag);
    keep_validator(curl, "Last-Modified", got->last_modified, sizeof got->last_modified);
  }
  if (not_modified)
    *not_modified = rc == SC_OK && r.not_modified;
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return rc;
}

int sc_fetch(const char *url, bool allow_http, const sc_fetch_limits *limits, sc_buf *body,
             sc_error *err) {
  return sc_fetch_conditional(url, allow_http, limits, NULL, body, NULL, NULL, err);
}

int sc_fetch_conditional(const char *url, bool allow_http, const sc_fetch_limits *limits,
                         const sc_fetch_validators *known, sc_buf *body, sc_fetch_validators *got,
                         bool *not_modified, sc_error *err) {
  if (got)
    *got = (sc_fetch_validators){.etag = "", .last_modified = ""};
  if (not_modified)
    *not_modified = false;
  pthread_once(&curl_once, init_curl);
  if (curl_init_result != CURLE_OK)
    return sc_fail(err, SC_ESTATUS, "%s: libcurl failed to start: %s", url,
                   curl_easy_strerror(curl_init_result));
  sc_fetch_limits l = effective_limits(limits);
  /* Waiting for the host's slot counts against the fetch's own time too. */
  int64_t deadline = sc_monotonic_ms() + l.total_timeout_ms;
  if (l.deadline_ms && l.deadline_ms < deadline)
    deadline = l.deadline_ms;
  body->len = 0;
  int rc = fit_to_deadline(url, deadline, &l, err);
  if (rc == SC_OK && (rc = sc_fetch_gate_enter(l.gate, url, deadline, err)) == SC_OK) {
    rc = fit_to_deadline(url, deadline, &l, err);
    if (rc == SC_OK)
      rc = perform(url, allow_http, &l, known, body, got, not_modified, err);
    sc_fetch_gate_leave(l.gate, url);
  }
  if (rc != SC_OK)
    sc_buf_free(body);
  else if (!body->data && !sc_buf_append(body, "", 0))
    rc = sc_oom(err);
  return rc;
}
