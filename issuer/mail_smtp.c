/* One message to one recipient over SMTP, through libcurl (docs/mail.md): smtps:// or
 * smtp:// with STARTTLS required, authentication from a 0600 file, and the server's answer
 * kept so that a refusal is recorded in its own words. */
#include "issuer/issuer.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;
static void curl_init(void) {
  curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct upload {
  const sc_buf *message;
  size_t offset;
} upload;

static size_t read_message(char *out, size_t size, size_t count, void *ctx) {
  upload *u = ctx;
  size_t left = u->message->len - u->offset, room = size * count;
  size_t n = left < room ? left : room;
  memcpy(out, u->message->data + u->offset, n);
  u->offset += n;
  return n;
}

typedef struct replies {
  char last[512];    /* the server's last reply line */
  char refusal[512]; /* its first 4xx or 5xx reply: what it said to the command that failed
                        (curl's QUIT is answered after it, "221 Bye") */
} replies;

/* Keeps the server's last reply line and its first refusal. */
static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *ctx) {
  (void)curl;
  replies *r = ctx;
  if (type != CURLINFO_HEADER_IN || size < 3)
    return 0;
  while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
    size--;
  if (size >= sizeof r->last)
    size = sizeof r->last - 1;
  memcpy(r->last, data, size);
  r->last[size] = '\0';
  for (char *p = r->last; *p; p++) /* the answer is stored and shown: no control characters */
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  if (!r->refusal[0] && (r->last[0] == '4' || r->last[0] == '5'))
    memcpy(r->refusal, r->last, sizeof r->refusal);
  return 0;
}

/* "user\npassword\n" from the auth file (refused when others can read it). */
static int read_auth(const char *path, char *user, char *password, size_t size, sc_error *err) {
  char buf[1024];
  size_t len = 0;
  int rc = sc_secret_file_read(path, "SMTP credentials file", buf, sizeof buf - 1, &len, err);
  if (rc == SC_OK) {
    buf[len] = '\0';
    char *newline = strchr(buf, '\n');
    char *pass = newline ? newline + 1 : NULL;
    if (newline)
      *newline = '\0';
    if (pass)
      pass[strcspn(pass, "\r\n")] = '\0';
    buf[strcspn(buf, "\r")] = '\0';
    if (!pass || !*buf || !*pass || strlen(buf) >= size || strlen(pass) >= size)
      rc = sc_fail(err, SC_EDATA,
                   "%s: expected the user name on the first line and the "
                   "password on the second",
                   path);
    else {
      memcpy(user, buf, strlen(buf) + 1); /* both fit: checked above */
      memcpy(password, pass, strlen(pass) + 1);
    }
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return rc;
}

static sc_smtp_outcome classify(CURLcode rc, long code) {
  if (rc == CURLE_OK)
    return SC_SMTP_SENT;
  if (code >= 500 && code <= 599)
    return SC_SMTP_PERMANENT;
  return SC_SMTP_TEMPORARY; /* 4xx, or no answer at all: the connection failed or dropped */
}

/* What would fail the same way for every recipient: stops the run instead of failing each. */
static bool is_setup_problem(CURLcode rc) {
  return rc == CURLE_USE_SSL_FAILED || rc == CURLE_PEER_FAILED_VERIFICATION ||
         rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_LOGIN_DENIED ||
         rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_UNSUPPORTED_PROTOCOL ||
         rc == CURLE_URL_MALFORMAT || rc == CURLE_SSL_CACERT_BADFILE;
}

static int perform(CURL *curl, const sc_smtp_config *cfg, const replies *r,
                   sc_smtp_outcome *outcome, char *answer, size_t size, sc_error *err) {
  CURLcode sent = curl_easy_perform(curl);
  /* 530: the server wants a login that was not given (or not accepted): every message alike. */
  if (is_setup_problem(sent) || (sent != CURLE_OK && strncmp(r->refusal, "530", 3) == 0))
    return sc_fail(err, SC_ECONFIG, "%s: %s%s%s%s", cfg->url, curl_easy_strerror(sent),
                   r->refusal[0] ? ": " : "", r->refusal[0] ? r->refusal : "",
                   sent == CURLE_PEER_FAILED_VERIFICATION
                       ? " (the server's certificate is not trusted: --smtp-ca FILE trusts a "
                         "private CA)"
                       : "");
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  *outcome = classify(sent, code);
  if (sent != CURLE_OK && r->refusal[0])
    snprintf(answer, size, "%s", r->refusal);
  else if (sent == CURLE_OK && r->last[0])
    snprintf(answer, size, "%s", r->last);
  else
    snprintf(answer, size, "%s", curl_easy_strerror(sent));
  return SC_OK;
}

static int setup(CURL *curl, const sc_smtp_config *cfg, const char *from, struct curl_slist *rcpt,
                 upload *u, replies *r) {
  int bad = 0;
  bad |= curl_easy_setopt(curl, CURLOPT_URL, cfg->url);
  bad |= curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  bad |= curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
  bad |= curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  bad |= curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  bad |= curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
  bad |= curl_easy_setopt(curl, CURLOPT_READDATA, u);
  bad |= curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->message->len);
  bad |= curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
  bad |= curl_easy_setopt(curl, CURLOPT_DEBUGDATA, r);
  bad |= curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* feeds on_debug; prints nothing */
  bad |= curl_easy_setopt(curl, CURLOPT_TIMEOUT, cfg->timeout > 0 ? cfg->timeout : 60L);
  bad |= curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (cfg->starttls)
    bad |= curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (cfg->ca_file)
    bad |= curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->ca_file);
  return bad;
}

int sc_smtp_send(const sc_smtp_config *cfg, const char *from_addr, const char *to_addr,
                 const sc_buf *message, sc_smtp_outcome *outcome, char *answer, size_t size,
                 sc_error *err) {
  pthread_once(&curl_once, curl_init);
  if (curl_init_result != CURLE_OK)
    return sc_fail(err, SC_ESOFTWARE, "libcurl: %s", curl_easy_strerror(curl_init_result));
  if (strncmp(cfg->url, "smtp://", 7) != 0 && strncmp(cfg->url, "smtps://", 8) != 0)
    return sc_fail(err, SC_EUSAGE, "--smtp: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]");
  char user[512] = "", password[512] = "";
  int rc = cfg->auth_file ? read_auth(cfg->auth_file, user, password, sizeof user, err) : SC_OK;
  CURL *curl = rc == SC_OK ? curl_easy_init() : NULL;
  struct curl_slist *rcpt = curl ? curl_slist_append(NULL, to_addr) : NULL;
  if (rc == SC_OK && (!curl || !rcpt))
    rc = sc_oom(err);
  upload u = {message, 0};
  replies r = {{0}, {0}};
  if (rc == SC_OK && (setup(curl, cfg, from_addr, rcpt, &u, &r) != 0 ||
                      (*user && (curl_easy_setopt(curl, CURLOPT_USERNAME, user) != CURLE_OK ||
                                 curl_easy_setopt(curl, CURLOPT_PASSWORD, password) != CURLE_OK))))
    rc = sc_fail(err, SC_ESOFTWARE, "libcurl refused an SMTP option (built without SMTP?)");
  OPENSSL_cleanse(password, sizeof password);
  if (rc == SC_OK)
    rc = perform(curl, cfg, &r, outcome, answer, size, err);
  curl_slist_free_all(rcpt);
  if (curl)
    curl_easy_cleanup(curl);
  return rc;
}
