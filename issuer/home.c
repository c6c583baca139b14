/* The issuer's home: a folder like a git repository, found by walking up from where you are. */
#include "issuer/issuer.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

static const char *const home_folders[] = {"keys", "templates", "public", "out"};

static bool is_https_url(const char *url) {
  return url && strncmp(url, "https://", 8) == 0 && url[8] != '\0' && !strpbrk(url, " \t\r\n");
}

static int check_init_options(const sc_home_init_options *opts, sc_error *err) {
  if (!opts->name || !*opts->name)
    return sc_fail(err, SC_EUSAGE, "--name: the issuer's name is required");
  if (!is_https_url(opts->url))
    return sc_fail(err, SC_EUSAGE, "--url: expected an https:// URL, got '%s'",
                   opts->url ? opts->url : "");
  if (opts->verify_url && !is_https_url(opts->verify_url))
    return sc_fail(err, SC_EUSAGE, "--verify-url: expected an https:// URL, got '%s'",
                   opts->verify_url);
  if (opts->public_url && !is_https_url(opts->public_url))
    return sc_fail(err, SC_EUSAGE, "--public-url: expected an https:// URL, got '%s'",
                   opts->public_url);
  if (opts->did_web && sc_did_web_check(opts->did_web, err) != SC_OK)
    return err ? sc_error_prefix(err, "--did-web") : SC_EUSAGE;
  return SC_OK;
}

/* The grammar is core's (sc_did_web_id_check); a bad --did-web is a usage error. */
int sc_did_web_check(const char *id, sc_error *err) {
  if (sc_did_web_id_check(id, err) == SC_OK)
    return SC_OK;
  if (err)
    err->code = SC_EUSAGE;
  return SC_EUSAGE;
}

/* What an init made, so that a failed init can take back exactly that and nothing the user
 * had before: a re-run then starts from where the user stood. */
typedef struct init_made {
  bool root;
  bool folders[sizeof home_folders / sizeof *home_folders];
  bool key;
} init_made;

/* The folder must be new or empty: init never mixes with someone's files. */
static int make_root(const char *dir, init_made *made, sc_error *err) {
  if (mkdir(dir, 0755) == 0) {
    made->root = true;
    return SC_OK;
  }
  if (errno != EEXIST)
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", dir, strerror(errno));
  char probe[PATH_MAX];
  int rc = sc_path_format(probe, sizeof probe, SC_ECANTCREAT, err, "%s/%s", dir, SC_HOME_CONFIG);
  if (rc != SC_OK)
    return rc;
  if (access(probe, F_OK) == 0)
    return sc_fail(err, SC_ECANTCREAT, "%s: already an issuer home", dir);
  return SC_OK;
}

static int make_folders(const char *dir, init_made *made, sc_error *err) {
  for (size_t i = 0; i < sizeof home_folders / sizeof *home_folders; i++) {
    char path[PATH_MAX];
    int rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/%s", dir, home_folders[i]);
    if (rc != SC_OK)
      return rc;
    mode_t mode = strcmp(home_folders[i], "keys") == 0 ? 0700 : 0755;
    if (mkdir(path, mode) == 0)
      made->folders[i] = true;
    else if (errno != EEXIST)
      return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
  }
  return SC_OK;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  remove(path);
  return 0; /* keep going: take back as much as possible */
}

/* A folder this init created holds only what this init put there. */
static void remove_tree(const char *path) {
  nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void undo_init(const char *dir, const init_made *made, const char *key_file) {
  if (made->root) {
    remove_tree(dir);
    return;
  }
  char path[PATH_MAX]; /* a path too long was never made */
  if (made->key && sc_path_format(path, sizeof path, SC_ECANTCREAT, NULL, "%s/%s", dir, key_file) == SC_OK)
    remove(path);
  for (size_t i = 0; i < sizeof home_folders / sizeof *home_folders; i++)
    if (made->folders[i] &&
        sc_path_format(path, sizeof path, SC_ECANTCREAT, NULL, "%s/%s", dir, home_folders[i]) == SC_OK)
      remove_tree(path);
}

/* key_file: a file in the home, or the URI of a key in a token (stored as "key"). */
static json_t *new_config(const sc_home_init_options *opts, const char *did, const char *key_file) {
  char created[21], web_id[512];
  sc_time_format((int64_t)time(NULL), created);
  snprintf(web_id, sizeof web_id, "did:web:%s", opts->did_web ? opts->did_web : "");
  const char *issuer_id = opts->did_web ? web_id : did;
  return json_pack("{s:i, s:{s:s, s:s, s:s}, s:s, s:s, s:s, s:b, s:[{s:s, s:s, s:s}]}", "version",
                   1, "issuer", "id", issuer_id, "name", opts->name, "url", opts->url, "verifyUrl",
                   opts->verify_url ? opts->verify_url : opts->url, "publicUrl",
                   opts->public_url ? opts->public_url : opts->url, "proofs",
                   opts->proofs ? opts->proofs : "both", "suspension", opts->suspension, "keys",
                   "did", did, sc_pkcs11_is_uri(key_file) ? "key" : "file", key_file, "created",
                   created);
}

int sc_home_save_new_key(const char *dir, EVP_PKEY *key, const char *passphrase,
                         const char *key_file, sc_error *err) {
  char path[PATH_MAX];
  int rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/%s", dir, key_file);
  return rc == SC_OK ? sc_keyfile_save(path, key, passphrase, err) : rc;
}

static int save_config(const char *dir, const json_t *config, sc_error *err) {
  char path[PATH_MAX];
  int rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/%s", dir, SC_HOME_CONFIG);
  if (rc != SC_OK)
    return rc;
  char *text = json_dumps(config, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!text)
    return sc_oom(err);
  sc_buf out = {0};
  bool ok = sc_buf_append_str(&out, text) && sc_buf_append_byte(&out, '\n');
  free(text);
  rc = ok ? sc_write_file_atomic(path, out.data, out.len, 0644, err) : sc_oom(err);
  sc_buf_free(&out);
  return rc;
}

int sc_home_save_config(const sc_home *home, sc_error *err) {
  return save_config(home->root, home->config, err);
}

char *sc_home_verification_method(const sc_home *home) {
  if (strncmp(home->issuer_id, "did:key:", 8) == 0 || strncmp(home->key_did, "did:key:", 8) != 0)
    return sc_did_key_verification_method(home->key_did);
  size_t size = strlen(home->issuer_id) + strlen(home->key_did) + 2;
  char *vm = malloc(size);
  if (vm)
    snprintf(vm, size, "%s#%s", home->issuer_id, home->key_did + strlen("did:key:"));
  return vm;
}

/* The first key: a new key file, or the key the URI names in a token (made there when the
 * token holds none; a key made in the token stays there should init fail later). */
static EVP_PKEY *first_key(const sc_home_init_options *opts, sc_error *err) {
  if (!opts->key_uri)
    return sc_key_generate(err);
  EVP_PKEY *key = NULL;
  bool made = false;
  return sc_pkcs11_key_make(opts->key_uri, NULL, &key, &made, err) == SC_OK ? key : NULL;
}

/* The first key and skillcert.json naming it; the folders exist. */
static int write_first_key(const char *dir, const sc_home_init_options *opts,
                           const char *passphrase, const char *key_file, init_made *made,
                           sc_error *err) {
  EVP_PKEY *key = first_key(opts, err);
  if (!key)
    return err ? err->code : SC_ESOFTWARE;
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  char *did = NULL;
  json_t *config = NULL;
  int rc = sc_ed25519_public(key, pub, err);
  if (rc == SC_OK && !(did = sc_did_key_encode(pub)))
    rc = sc_oom(err);
  if (rc == SC_OK && opts->key_uri)
    key_file = opts->key_uri;
  else if (rc == SC_OK)
    rc = sc_home_save_new_key(dir, key, passphrase, key_file, err);
  made->key = rc == SC_OK && !opts->key_uri;
  if (rc == SC_OK)
    rc = sc_templates_install(dir, opts->url, err);
  if (rc == SC_OK && !(config = new_config(opts, did, key_file)))
    rc = sc_oom(err);
  /* init --qr: what certificates' QR codes hold (docs/qr-payload.md "Choosing the mode") */
  if (rc == SC_OK && opts->qr && json_object_set_new(config, "qr", json_string(opts->qr)) != 0)
    rc = sc_oom(err);
  if (rc == SC_OK)
    rc = save_config(dir, config, err);
  json_decref(config);
  free(did);
  EVP_PKEY_free(key);
  return rc;
}

/* Everything that can be checked is checked before the first folder is made, the passphrase
 * included (it is asked before anything exists, and a bad file stops nothing half-made). */
int sc_home_init(const char *dir, const sc_home_init_options *opts, sc_error *err) {
  char passphrase[SC_PASSPHRASE_MAX] = "";
  /* A key in a token has no passphrase: the token's PIN guards it. */
  const bool encrypt = !opts->key_uri && (!opts->passphrase || !opts->passphrase->none);
  int rc = check_init_options(opts, err);
  if (rc == SC_OK && encrypt)
    rc = sc_passphrase_read(opts->passphrase, true, passphrase, err);
  if (rc != SC_OK)
    return rc;
  init_made made = {0};
  const char *key_file = "keys/signing-key-1.pem";
  rc = make_root(dir, &made, err);
  if (rc == SC_OK)
    rc = make_folders(dir, &made, err);
  if (rc == SC_OK)
    rc = write_first_key(dir, opts, encrypt ? passphrase : NULL, key_file, &made, err);
  sc_passphrase_wipe(passphrase);
  if (rc != SC_OK)
    undo_init(dir, &made, key_file);
  return rc;
}

/* Walks up from the current folder to the first one holding skillcert.json. */
static bool find_upward(char *out, size_t size) {
  char dir[PATH_MAX];
  if (!getcwd(dir, sizeof dir))
    return false;
  for (;;) {
    char probe[PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/%s", dir, SC_HOME_CONFIG);
    if (access(probe, F_OK) == 0)
      return sc_path_format(out, size, SC_ECONFIG, NULL, "%s", dir) == SC_OK;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
      return false;
    *slash = '\0';
  }
}

static int locate(const char *dir, char *root, size_t size, sc_error *err) {
  const char *env = getenv("SKILLCERT_HOME");
  if (dir)
    return sc_path_format(root, size, SC_ECONFIG, err, "%s", dir);
  if (find_upward(root, size))
    return SC_OK;
  if (!env || !*env)
    return sc_fail(err, SC_ECONFIG,
                   "no issuer home here or in any parent folder (run 'skillcert init DIR' or "
                   "give --home DIR)");
  return sc_path_format(root, size, SC_ECONFIG, err, "%s", env);
}

static const char *config_string(const json_t *config, const char *object, const char *key) {
  const json_t *holder = object ? json_object_get(config, object) : config;
  return json_string_value(json_object_get(holder, key));
}

/* Fills the borrowed fields and checks that the config says what a home must say. */
static int read_config(sc_home *home, const char *path, sc_error *err) {
  home->issuer_id = config_string(home->config, "issuer", "id");
  home->issuer_name = config_string(home->config, "issuer", "name");
  home->issuer_url = config_string(home->config, "issuer", "url");
  home->verify_url = config_string(home->config, NULL, "verifyUrl");
  home->public_url = config_string(home->config, NULL, "publicUrl");
  if (!home->public_url) /* homes made before publicUrl existed publish at the issuer URL */
    home->public_url = home->issuer_url;
  home->default_template = config_string(home->config, NULL, "defaultTemplate");
  if (!home->registry) /* --registry (set before opening) wins over the config */
    home->registry = config_string(home->config, NULL, "registry");
  if (!home->default_template)
    home->default_template = SC_DEFAULT_TEMPLATE;
  const json_t *qr = json_object_get(home->config, "qr");
  sc_qr_mode qr_mode = SC_QR_MODE_UNSET;
  if (qr && (!json_is_string(qr) || sc_qr_mode_parse(json_string_value(qr), &qr_mode) != SC_OK))
    return sc_fail(err, SC_ECONFIG, "%s: qr: expected \"auto\", \"embed\" or \"link\"", path);
  home->qr_mode = qr_mode;
  json_t *keys = json_object_get(home->config, "keys");
  json_t *current = json_array_get(keys, json_array_size(keys) - 1);
  const char *key_file = json_string_value(json_object_get(current, "file"));
  const char *key_uri = json_string_value(json_object_get(current, "key"));
  home->key_did = json_string_value(json_object_get(current, "did"));
  if (!home->issuer_id || !home->issuer_name || !home->issuer_url || !home->verify_url)
    return sc_fail(err, SC_ECONFIG,
                   "%s: issuer.id, issuer.name, issuer.url and verifyUrl are "
                   "required",
                   path);
  if (key_uri && !sc_pkcs11_is_uri(key_uri))
    return sc_fail(err, SC_ECONFIG, "%s: keys: the current key's \"key\" must be a pkcs11: URI",
                   path);
  if ((!key_file && !key_uri) || !home->key_did)
    return sc_fail(err, SC_ECONFIG,
                   "%s: keys: expected at least one key with did and file (or key, a pkcs11: URI)",
                   path);
  int n = key_uri ? snprintf(home->key_path, sizeof home->key_path, "%s", key_uri)
                  : snprintf(home->key_path, sizeof home->key_path, "%s/%s", home->root, key_file);
  if (n < 0 || (size_t)n >= sizeof home->key_path)
    return sc_fail(err, SC_ECONFIG, "%s: keys: path too long", path);
  return SC_OK;
}

int sc_home_open(const char *dir, sc_home *home, sc_error *err) {
  memset(home, 0, sizeof *home);
  int rc = locate(dir, home->root, sizeof home->root, err);
  if (rc != SC_OK)
    return rc;
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", home->root, SC_HOME_CONFIG);
  if (access(path, F_OK) != 0)
    return sc_fail(err, SC_ECONFIG, "%s: not an issuer home (no %s; run 'skillcert init %s')",
                   home->root, SC_HOME_CONFIG, home->root);
  rc = sc_json_load_file(path, &home->config, err);
  if (rc == SC_OK)
    rc = read_config(home, path, err);
  if (rc != SC_OK)
    sc_home_close(home);
  return rc;
}

void sc_home_close(sc_home *home) {
  json_decref(home->config);
  home->config = NULL;
}

bool sc_home_key_in_token(const sc_home *home) {
  return sc_pkcs11_is_uri(home->key_path);
}

int sc_home_path(const sc_home *home, const char *sub, const char *name, char *out, size_t size,
                 sc_error *err) {
  return sc_path_format(out, size, SC_ECANTCREAT, err, "%s/%s/%s", home->root, sub, name);
}

int sc_home_load_key(const sc_home *home, const sc_passphrase_source *src, EVP_PKEY **key,
                     sc_error *err) {
  if (sc_home_key_in_token(home))
    return sc_pkcs11_key_open(home->key_path, key, err);
  bool encrypted = false;
  int rc = sc_keyfile_is_encrypted(home->key_path, &encrypted, err);
  if (rc != SC_OK)
    return rc;
  if (!encrypted)
    return sc_keyfile_load(home->key_path, NULL, key, err);
  char passphrase[SC_PASSPHRASE_MAX];
  sc_passphrase_source ask = *src;
  ask.none = false;
  rc = sc_passphrase_read(&ask, false, passphrase, err);
  if (rc == SC_OK)
    rc = sc_keyfile_load(home->key_path, passphrase, key, err);
  sc_passphrase_wipe(passphrase);
  return rc;
}
