/* What `verify` and `serve` both set up before they verify anything: the trust list, the
 * issuer home they may speak for, where status lists come from, and the memo of verified
 * lists. */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* The trust list: the one named, or the default file when it exists (else nobody). A default
 * path that exists but cannot be read (a folder, no permission) is an error, not "nobody". */
static int load_trust(const char *path, sc_trust_list **out, sc_error *err) {
  char default_path[PATH_MAX];
  int rc = path ? SC_OK : cli_default_trust_path(default_path, sizeof default_path, err);
  if (rc != SC_OK)
    return rc;
  if (!path && access(default_path, F_OK) != 0 && errno == ENOENT) {
    *out = sc_trust_new();
    return *out ? SC_OK : sc_oom(err);
  }
  return sc_trust_load(path ? path : default_path, out, err);
}

static int trust_id(sc_trust_list *trust, const char *id, const char *name, sc_error *err) {
  return sc_trust_lookup(trust, id) ? SC_OK : sc_trust_add(trust, id, name, err);
}

/* --home: its issuer is trusted — under every key's DID for a did:key issuer, which signed
 * under each in turn (key rotate) — unless the list already names them otherwise, and its
 * public/ folder answers for URLs under its publicUrl. */
static int use_home(cli_verifier *v, const char *dir, sc_status_source *status, sc_error *err) {
  int rc = sc_home_open(dir, &v->home, err);
  if (rc != SC_OK)
    return rc;
  v->has_home = true;
  rc = trust_id(v->trust, v->home.issuer_id, v->home.issuer_name, err);
  size_t i;
  json_t *key;
  bool did_key = strncmp(v->home.issuer_id, "did:key:", 8) == 0;
  json_array_foreach(json_object_get(v->home.config, "keys"), i, key) {
    const char *did = json_string_value(json_object_get(key, "did"));
    if (rc == SC_OK && did && did_key)
      rc = trust_id(v->trust, did, v->home.issuer_name, err);
  }
  if (rc == SC_OK)
    rc = sc_path_format(v->public_dir, sizeof v->public_dir, SC_ECONFIG, err, "%s/public",
                        v->home.root);
  status->home_public = v->public_dir;
  status->home_url = v->home.public_url;
  return rc;
}

int cli_verifier_open(cli_verifier *v, const cli_verifier_args *a, sc_status_source *status,
                      sc_error *err) {
  memset(v, 0, sizeof *v);
  /* Said at once rather than at the first did:web credential (or request, for serve). */
  if (a->did_doc && access(a->did_doc, R_OK) != 0)
    return sc_fail(err, SC_ENOINPUT, "--did-doc %s: %s", a->did_doc, strerror(errno));
  if (status->local && access(status->local, R_OK) != 0)
    return sc_fail(err, SC_ENOINPUT, "--status %s: %s", status->local, strerror(errno));
  int rc = load_trust(a->trust_path, &v->trust, err);
  if (rc == SC_OK && a->home)
    rc = use_home(v, a->home, status, err);
  if (rc == SC_OK && !(v->memo = sc_status_memo_new(a->memo_ttl)))
    rc = sc_oom(err);
  if (rc == SC_OK && !(v->keys = sc_key_cache_new()))
    rc = sc_oom(err);
  if (rc == SC_OK && !(v->gate = sc_fetch_gate_new(SC_FETCH_PER_HOST)))
    rc = sc_oom(err);
  status->gate = v->gate;
  v->did_doc = a->did_doc;
  v->status = status;
  return rc;
}

void cli_verifier_options(cli_verifier *v, int64_t now, sc_verify_options *opts) {
  const json_t *keys = v->has_home ? json_object_get(v->home.config, "keys") : NULL;
  const char *home_issuer = v->has_home ? v->home.issuer_id : NULL;
  v->did_web = (sc_did_web){.doc_path = v->did_doc,
                            .source = v->status,
                            .now = now,
                            .home_issuer = home_issuer,
                            .home_keys = keys};
  v->key_check = (sc_key_check_ctx){
      .did_web = &v->did_web, .trust = v->trust, .home_issuer = home_issuer, .home_keys = keys};
  opts->trust = v->trust;
  opts->status = v->status;
  opts->resolver = sc_did_web_resolve;
  opts->resolver_ctx = &v->did_web;
  opts->key_check = sc_key_check;
  opts->key_check_ctx = &v->key_check;
  opts->memo = v->memo;
  opts->keys = v->keys;
}

void cli_verifier_close(cli_verifier *v) {
  sc_did_web_free(&v->did_web);
  sc_status_memo_free(v->memo);
  sc_key_cache_free(v->keys);
  if (v->status)
    v->status->gate = NULL;
  sc_fetch_gate_free(v->gate);
  sc_trust_free(v->trust);
  if (v->has_home)
    sc_home_close(&v->home);
  memset(v, 0, sizeof *v);
}
