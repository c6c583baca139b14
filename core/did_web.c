/* The did:web grammar skillcert accepts, and where a did:web DID's document lives (DID Web
 * Method §3.1–3.2), written once: `init --did-web` checks an id with it, publishing writes the
 * document where it says, and the verifier fetches from the URL it gives. */
#include "core/core.h"

#include <stdio.h>
#include <string.h>

static bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static bool is_segment_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

/* The host, then an optional port written %3A<digits>. Returns its length, 0 when it is not
 * one. Upper case is refused: a DID is compared as a string, so "did:web:Acme.example" would be
 * another issuer than the acme.example whose document it loads. */
static size_t host_length(const char *id) {
  size_t n = 0;
  while (is_host_char(id[n]))
    n++;
  if (n == 0 || id[0] == '.' || id[0] == '-' || id[n - 1] == '.' || id[n - 1] == '-')
    return 0;
  if (strncmp(id + n, "%3A", 3) == 0) {
    size_t digits = strspn(id + n + 3, "0123456789");
    n = digits ? n + 3 + digits : 0;
  }
  return n;
}

/* Path segments become folders under public/ and a URL's path, so "." and ".." are refused. */
int sc_did_web_id_check(const char *id, sc_error *err) {
  size_t n = id ? host_length(id) : 0;
  if (n == 0 || (id[n] != '\0' && id[n] != ':'))
    return sc_fail(err, SC_EDATA,
                   "expected a lower-case host name, e.g. acme.example (a port as %%3A8443), "
                   "then optional :path:segments, got '%s'",
                   id ? id : "");
  for (const char *seg = id + n; *seg == ':';) {
    size_t len = 0;
    while (is_segment_char(seg[1 + len]))
      len++;
    if (len == 0 || (seg[1 + len] != '\0' && seg[1 + len] != ':') ||
        strncmp(seg + 1, ".", len) == 0 || strncmp(seg + 1, "..", len) == 0)
      return sc_fail(err, SC_EDATA,
                     "'%s': a path segment is letters, digits, '.', '-' or '_' (not empty, not "
                     "'.' or '..')",
                     id);
    seg += 1 + len;
  }
  return SC_OK;
}

int sc_did_web_location(const char *did, char *host, size_t host_size, char *path, size_t path_size,
                        sc_error *err) {
  if (!did || strncmp(did, "did:web:", 8) != 0)
    return sc_fail(err, SC_EDATA, "'%s' is not a did:web DID", did ? did : "");
  const char *id = did + 8;
  if (sc_did_web_id_check(id, err) != SC_OK)
    return err ? sc_error_prefix(err, "%s", did) : SC_EDATA;
  size_t host_len = strcspn(id, ":");
  const char *port = strstr(id, "%3A");
  bool has_port = port && (size_t)(port - id) < host_len;
  size_t name_len = has_port ? (size_t)(port - id) : host_len;
  int n = snprintf(host, host_size, "%.*s%s%.*s", (int)name_len, id, has_port ? ":" : "",
                   has_port ? (int)(host_len - name_len - 3) : 0, has_port ? port + 3 : "");
  const char *segments = id + host_len;
  int m = snprintf(path, path_size, "%s/did.json", *segments ? segments : "/.well-known");
  if (n < 0 || (size_t)n >= host_size || m < 0 || (size_t)m >= path_size)
    return sc_fail(err, SC_EDATA, "%s: DID too long", did);
  for (char *c = path; *c; c++)
    if (*c == ':')
      *c = '/';
  return SC_OK;
}
