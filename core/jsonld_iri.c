/* IRIs for JSON-LD: keyword tests, absolute IRI tests and RFC 3986 reference resolution. */
#include "core/jsonld_internal.h"

#include <stdlib.h>
#include <string.h>

bool jl_is_keyword(const char *s) {
  static const char *const keywords[] = {
      "@base",     "@container", "@context", "@default",  "@direction", "@embed",
      "@explicit", "@graph",     "@id",      "@import",   "@included",  "@index",
      "@json",     "@language",  "@list",    "@nest",     "@none",      "@omitDefault",
      "@prefix",   "@preserve",  "@propagate", "@protected", "@requireAll", "@reverse",
      "@set",      "@type",      "@value",   "@version",  "@vocab",
  };
  if (!s || s[0] != '@')
    return false;
  /* Every key and value of a document is asked: compared only with the keywords that have
   * the same second letter (the list is short and fixed, so a scan of it is cheap). */
  for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
    if (keywords[i][1] == s[1] && strcmp(s + 1, keywords[i] + 1) == 0)
      return true;
  return false;
}

bool jl_has_keyword_form(const char *s) {
  if (!s || s[0] != '@' || !s[1])
    return false;
  for (const char *p = s + 1; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
      return false;
  return true;
}

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* The length of a scheme followed by ':' at the start of s, or 0. */
static size_t scheme_length(const char *s) {
  if (!is_alpha(s[0]))
    return 0;
  size_t i = 1;
  while (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
         s[i] == '.')
    i++;
  return s[i] == ':' ? i : 0;
}

/* The bytes an IRI never holds (RFC 3987): controls, space and <>"{}|\\^`. A table, because
 * every term, type and value of every credential is tested here (it was 5 % of an RDF proof
 * as a switch). */
static const bool not_in_iri[256] = {
    [0x00] = true, [0x01] = true, [0x02] = true, [0x03] = true, [0x04] = true, [0x05] = true,
    [0x06] = true, [0x07] = true, [0x08] = true, [0x09] = true, [0x0a] = true, [0x0b] = true,
    [0x0c] = true, [0x0d] = true, [0x0e] = true, [0x0f] = true, [0x10] = true, [0x11] = true,
    [0x12] = true, [0x13] = true, [0x14] = true, [0x15] = true, [0x16] = true, [0x17] = true,
    [0x18] = true, [0x19] = true, [0x1a] = true, [0x1b] = true, [0x1c] = true, [0x1d] = true,
    [0x1e] = true, [0x1f] = true, [' '] = true,  ['<'] = true,  ['>'] = true,  ['"'] = true,
    ['{'] = true,  ['}'] = true,  ['|'] = true,  ['\\'] = true, ['^'] = true,  ['`'] = true,
};

bool jl_is_absolute_iri(const char *s) {
  if (!s || !scheme_length(s))
    return false;
  /* The length first (strlen is vectorised), then eight table lookups at a time without a
   * branch for each byte. */
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), i = 0;
  for (; i + 8 <= n; i += 8)
    if (not_in_iri[p[i]] | not_in_iri[p[i + 1]] | not_in_iri[p[i + 2]] | not_in_iri[p[i + 3]] |
        not_in_iri[p[i + 4]] | not_in_iri[p[i + 5]] | not_in_iri[p[i + 6]] | not_in_iri[p[i + 7]])
      return false;
  for (; i < n; i++)
    if (not_in_iri[p[i]])
      return false;
  return true;
}

bool jl_is_blank_label(const char *s) { return s && s[0] == '_' && s[1] == ':'; }

bool jl_ends_with_gen_delim(const char *s) {
  size_t n = strlen(s);
  return n && strchr(":/?#[]@", s[n - 1]) != NULL;
}

/* ---------------------------------------------------------------- RFC 3986 5.2 */

typedef struct iri_parts {
  const char *scheme, *authority, *path, *query, *fragment;
  size_t scheme_len, authority_len, path_len, query_len, fragment_len;
  bool has_scheme, has_authority, has_query, has_fragment;
} iri_parts;

static void split_iri(const char *s, iri_parts *p) {
  *p = (iri_parts){0};
  size_t n = scheme_length(s);
  if (n) {
    p->has_scheme = true;
    p->scheme = s;
    p->scheme_len = n;
    s += n + 1;
  }
  if (s[0] == '/' && s[1] == '/') {
    s += 2;
    p->has_authority = true;
    p->authority = s;
    p->authority_len = strcspn(s, "/?#");
    s += p->authority_len;
  }
  p->path = s;
  p->path_len = strcspn(s, "?#");
  s += p->path_len;
  if (*s == '?') {
    p->has_query = true;
    p->query = ++s;
    p->query_len = strcspn(s, "#");
    s += p->query_len;
  }
  if (*s == '#') {
    p->has_fragment = true;
    p->fragment = s + 1;
    p->fragment_len = strlen(s + 1);
  }
}

/* Removes the last segment (and its '/') from out[0..*o). */
static void drop_last_segment(const char *out, size_t *o) {
  while (*o > 0 && out[*o - 1] != '/')
    (*o)--;
  if (*o > 0)
    (*o)--;
}

/* RFC 3986 5.2.4: a new string. */
static char *remove_dot_segments(const char *path, size_t len) {
  char *out = jl_malloc(len + 2);
  if (!out)
    return NULL;
  size_t o = 0;
  const char *in = path, *end = path + len;
  while (in < end) {
    size_t rest = (size_t)(end - in);
    if (rest >= 3 && strncmp(in, "../", 3) == 0) {
      in += 3; /* A */
    } else if (rest >= 2 && strncmp(in, "./", 2) == 0) {
      in += 2;
    } else if (rest >= 3 && strncmp(in, "/./", 3) == 0) {
      in += 2; /* B: "/./x" becomes "/x" */
    } else if (rest == 2 && strncmp(in, "/.", 2) == 0) {
      out[o++] = '/';
      in = end;
    } else if (rest >= 4 && strncmp(in, "/../", 4) == 0) {
      drop_last_segment(out, &o); /* C */
      in += 3;
    } else if (rest == 3 && strncmp(in, "/..", 3) == 0) {
      drop_last_segment(out, &o);
      out[o++] = '/';
      in = end;
    } else if ((rest == 1 && in[0] == '.') || (rest == 2 && strncmp(in, "..", 2) == 0)) {
      in = end; /* D */
    } else {
      size_t seg = in[0] == '/' ? 1 : 0; /* E */
      while (in + seg < end && in[seg] != '/')
        seg++;
      memcpy(out + o, in, seg);
      o += seg;
      in += seg;
    }
  }
  out[o] = '\0';
  return out;
}

static void put(sc_buf *b, const char *s, size_t n) { sc_buf_append(b, s, n); }

char *jl_resolve_iri(const char *base, const char *ref) {
  if (!base)
    return jl_strdup(ref);
  iri_parts r, b;
  split_iri(ref, &r);
  split_iri(base, &b);
  sc_buf out = {0};
  char *path = NULL;
  const iri_parts *auth_from = &r, *query_from = &r;
  if (r.has_scheme) {
    path = remove_dot_segments(r.path, r.path_len);
    put(&out, r.scheme, r.scheme_len + 1);
  } else {
    put(&out, b.scheme, b.has_scheme ? b.scheme_len + 1 : 0);
    if (r.has_authority) {
      path = remove_dot_segments(r.path, r.path_len);
    } else {
      auth_from = &b;
      if (r.path_len == 0) {
        path = jl_strndup(b.path, b.path_len);
        if (!r.has_query)
          query_from = &b;
      } else if (r.path[0] == '/') {
        path = remove_dot_segments(r.path, r.path_len);
      } else {
        /* 5.2.3 merge */
        sc_buf merged = {0};
        if (b.has_authority && b.path_len == 0) {
          put(&merged, "/", 1);
        } else {
          const char *slash = NULL;
          for (size_t i = 0; i < b.path_len; i++)
            if (b.path[i] == '/')
              slash = b.path + i;
          if (slash)
            put(&merged, b.path, (size_t)(slash - b.path) + 1);
        }
        put(&merged, r.path, r.path_len);
        path = remove_dot_segments(merged.data ? (char *)merged.data : "", merged.len);
        sc_buf_free(&merged);
      }
    }
  }
  if (auth_from->has_authority) {
    put(&out, "//", 2);
    put(&out, auth_from->authority, auth_from->authority_len);
  }
  if (path)
    sc_buf_append_str(&out, path);
  free(path);
  if (query_from->has_query) {
    put(&out, "?", 1);
    put(&out, query_from->query, query_from->query_len);
  }
  if (r.has_fragment) {
    put(&out, "#", 1);
    put(&out, r.fragment, r.fragment_len);
  }
  char *result = sc_buf_take(&out);
  sc_buf_free(&out);
  return result;
}
