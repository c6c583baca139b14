/* skillcert revoke, suspend, reinstate: change a credential's status and publish it. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static const char status_synopsis[] =
    "skillcert revoke ID... --reason TEXT [--from FILE]\n"
    "       skillcert suspend ID... --reason TEXT [--from FILE]\n"
    "       skillcert reinstate ID... [--reason TEXT] [--from FILE]\n"
    "       common: [--home DIR] [--passphrase-file FILE] [--no-publish]";

static const char status_description[] =
    "Records the change in the registry (with its reason and time) and publishes the status\n"
    "lists it touches, so public/ is never behind the registry. Revocation is final;\n"
    "a suspended credential can be reinstated. ID is urn:uuid:… or the bare UUID.\n"
    "revoke and suspend withdraw the PDF that `mail --pdf link` put in public/pdf/;\n"
    "reinstate does not put it back (`mail --pdf link --resend` does).\n";

static const char status_epilogue[] =
    "Every ID is checked before anything changes: an unknown ID (exit 65) or a change its\n"
    "status does not allow (exit 64) is reported with where it came from (FILE:LINE) and\n"
    "nothing is changed. An ID given twice is changed once. --reason is UTF-8 text without\n"
    "control characters. Exit codes: 0 done, 64 usage, 65 unknown ID, 66 --from unreadable,\n"
    "74 a linked PDF could not be removed (the change stands; the path is named).\n";

typedef struct status_args {
  sc_status_change change;
  const char *kind; /* its word, for messages: "revoked", "suspended", "reinstated" */
  const char *reason, *from, *home;
  const char *home_root; /* the home found, for messages */
  bool no_publish;
  sc_passphrase_source passphrase;
} status_args;

typedef struct touched_lists {
  int64_t ids[64];
  size_t count;
  bool overflow; /* more than fit: publish every list */
} touched_lists;

static void touch(touched_lists *t, int64_t list) {
  for (size_t i = 0; i < t->count; i++) {
    if (t->ids[i] == list)
      return;
  }
  if (t->count < sizeof t->ids / sizeof *t->ids)
    t->ids[t->count++] = list;
  else
    t->overflow = true;
}

/* One credential to change, and where it was named (for messages). */
typedef struct target {
  char urn[64];
  char where[320]; /* "argument 2" or "FILE:LINE" */
} target;

typedef struct target_list {
  target *items;
  size_t count, cap;
  size_t changed; /* the first changed items were changed (a failed change stops the run) */
} target_list;

static int add_target(target_list *l, const char *urn, const char *where, sc_error *err) {
  for (size_t i = 0; i < l->count; i++) /* named twice: changed once */
    if (strcmp(l->items[i].urn, urn) == 0)
      return SC_OK;
  if (l->count == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    target *items = realloc(l->items, cap * sizeof *items);
    if (!items)
      return sc_oom(err);
    l->items = items;
    l->cap = cap;
  }
  target *t = &l->items[l->count++];
  snprintf(t->urn, sizeof t->urn, "%s", urn);
  snprintf(t->where, sizeof t->where, "%s", where);
  return SC_OK;
}

/* Was the credential issued with a suspension entry? false with err->code set when it cannot be
 * read, false with err->code 0 when it has none. */
static bool suspendable(sc_registry *reg, const char *urn, sc_error *err) {
  err->code = SC_OK;
  char *text = sc_registry_credential_text(reg, urn, err);
  json_t *credential = NULL;
  if (text && sc_json_parse(text, strlen(text), urn, &credential, err) != SC_OK)
    credential = NULL;
  bool has = credential && sc_credential_has_status_entry(credential, SC_PURPOSE_SUSPENSION);
  if (text && credential)
    err->code = SC_OK;
  json_decref(credential);
  free(text);
  return has;
}

/* The registry's id of a credential named by where, checked to exist and to allow the change
 * now, so that a list with one bad id changes nothing. */
static int resolve(sc_registry *reg, const status_args *a, const char *id, const char *where,
                   target_list *l, sc_error *err) {
  json_t *row = NULL;
  int rc = sc_registry_get(reg, id, &row, err);
  if (rc != SC_OK)
    return sc_error_prefix(err, "%s", where);
  const char *urn = json_string_value(json_object_get(row, "id"));
  sc_status status = SC_STATUS_ACTIVE;
  bool has_status = sc_status_parse(json_string_value(json_object_get(row, "status")), &status);
  if (!row || !urn || !has_status)
    rc =
        sc_fail(err, SC_EDATA, "%s: no credential '%s' in %s/registry.db", where, id, a->home_root);
  else if (!sc_status_change_allowed(a->change, status))
    rc = sc_fail(err, SC_EUSAGE, "%s: %s is %s: cannot be %s%s", where, urn, sc_status_word(status),
                 a->kind, status == SC_STATUS_REVOKED ? " (revocation is final)" : "");
  else if (a->change == SC_CHANGE_SUSPEND && !suspendable(reg, urn, err))
    rc = err->code ? sc_error_prefix(err, "%s", where)
                   : sc_fail(err, SC_EUSAGE,
                             "%s: %s has no suspension status entry (it was issued while the "
                             "home's \"suspension\" setting was off): it can be revoked, not "
                             "suspended",
                             where, urn);
  else
    rc = add_target(l, urn, where, err);
  json_decref(row);
  return rc;
}

/* Lines of --from: one id each, blank lines and # comments skipped; a UTF-8 byte order mark
 * (as Windows editors write) is not part of the first id. */
static int resolve_file(sc_registry *reg, const status_args *a, target_list *l, sc_error *err) {
  sc_buf text = {0};
  int rc = sc_read_file(a->from, 16 * 1024 * 1024, &text, err);
  if (rc == SC_OK && !sc_buf_append_byte(&text, '\0'))
    rc = sc_oom(err);
  char *next = rc == SC_OK ? (char *)text.data + sc_utf8_bom_length(text.data, text.len) : NULL;
  for (size_t line = 1; rc == SC_OK && next && *next; line++) {
    char *id = next;
    next = strchr(next, '\n');
    if (next)
      *next++ = '\0';
    id += strspn(id, " \t");
    id[strcspn(id, " \t\r")] = '\0';
    if (!*id || *id == '#')
      continue;
    char where[320];
    snprintf(where, sizeof where, "%s:%zu", a->from, line);
    rc = resolve(reg, a, id, where, l, err);
  }
  sc_buf_free(&text);
  return rc;
}

/* Every id of the command line and of --from, or an error naming the first bad one. */
static int resolve_all(sc_registry *reg, const status_args *a, char **ids, int count,
                       target_list *l, sc_error *err) {
  int rc = SC_OK;
  for (int i = 0; rc == SC_OK && i < count; i++) {
    /* A credential id (urn:uuid:…, 45 characters) is always shown whole; an argument far
     * longer cannot be one and is shortened visibly. */
    enum { SHOWN = 128 };
    int len = (int)strnlen(ids[i], SHOWN + 1);
    char where[SHOWN + 32];
    snprintf(where, sizeof where, "argument '%.*s%s'", len > SHOWN ? SHOWN : len, ids[i],
             len > SHOWN ? "…" : "");
    rc = resolve(reg, a, ids[i], where, l, err);
  }
  if (rc == SC_OK && a->from)
    rc = resolve_file(reg, a, l, err);
  return rc;
}

/* Whether an earlier change of this run made id's status the one asked for already: a copy
 * re-issued to a wallet changes with its original (docs/wallets.md), so naming both changes
 * the family once. (Every id was checked before the run: none was in that status then.) */
static bool changed_with_family(sc_registry *reg, const status_args *a, const char *id) {
  json_t *row = NULL;
  sc_error ignored = {0};
  bool done = sc_registry_get(reg, id, &row, &ignored) == SC_OK && row &&
              strcmp(json_string_value(json_object_get(row, "status")),
                     sc_status_word(sc_status_after(a->change))) == 0;
  json_decref(row);
  return done;
}

static int change_all(sc_registry *reg, const status_args *a, target_list *l, touched_lists *t,
                      sc_error *err) {
  for (size_t i = 0; i < l->count; i++) {
    int64_t list = 0;
    if (i > 0 && changed_with_family(reg, a, l->items[i].urn)) {
      printf("%s %s\n", a->kind, l->items[i].urn);
      l->changed = i + 1;
      continue;
    }
    int rc = sc_registry_change_status(reg, l->items[i].urn, a->change, a->reason, &list, err);
    if (rc != SC_OK)
      return sc_error_prefix(err, "%s", l->items[i].where);
    touch(t, list);
    l->changed = i + 1;
    printf("%s %s\n", a->kind, l->items[i].urn);
  }
  return SC_OK;
}

/* The PDFs that `mail --pdf link` published of the credentials changed (their whole families)
 * are withdrawn from public/pdf/ (docs/mail.md). The change is recorded and published already:
 * a file that cannot be removed is reported with its path and makes the exit status 74, but
 * changes nothing else. Reinstating does not publish it again (`mail --resend` does). */
static int withdraw_linked_pdfs(const sc_home *home, sc_registry *reg, const status_args *a,
                                const target_list *l) {
  int rc = SC_OK;
  for (size_t i = 0; a->change != SC_CHANGE_REINSTATE && i < l->changed; i++) {
    sc_error err = {0};
    json_t *family = NULL;
    if (sc_registry_family(reg, l->items[i].urn, &family, &err) != SC_OK)
      family = json_pack("[s]", l->items[i].urn); /* at least the one named */
    size_t k;
    json_t *member;
    json_array_foreach(family, k, member) {
      const char *id = json_string_value(member);
      bool removed = false;
      if (sc_linked_pdf_withdraw(home, id, &removed, &err) != SC_OK) {
        fprintf(stderr, "skillcert: %s is %s, but its linked PDF is still public: ", id, a->kind);
        sc_text_put(err.message, stderr);
        fputc('\n', stderr);
        rc = SC_EIO;
      } else if (removed) {
        fprintf(stderr, "skillcert: %s: its linked PDF was withdrawn from public/pdf/\n", id);
      }
    }
    json_decref(family);
  }
  return rc;
}

/* The reason is shown by inspect and list, and kept for years: text, not bytes. */
static int check_reason(const char *command, const char *reason) {
  if (!reason)
    return SC_OK;
  sc_error err = {0};
  char *nfc = sc_text_nfc(reason, strlen(reason), "--reason", &err);
  free(nfc);
  if (!nfc)
    return cli_usage_error(command, "--reason: expected UTF-8 text");
  for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
    if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
      return cli_usage_error(command, "--reason: control characters are not allowed");
  return SC_OK;
}

static int publish(const sc_home *home, sc_registry *reg, const status_args *a,
                   const touched_lists *t, sc_error *err) {
  if (a->no_publish || !t->count)
    return SC_OK;
  EVP_PKEY *key = NULL;
  int rc = sc_home_load_key(home, &a->passphrase, &key, err);
  sc_publish_options opts = {.now = (int64_t)time(NULL)};
  if (rc == SC_OK)
    rc = sc_publish_lists(home, key, reg, t->ids, t->overflow ? 0 : t->count, &opts, err);
  EVP_PKEY_free(key);
  return rc;
}

static int run(int argc, char **argv, status_args *a) {
  a->kind = sc_status_change_word(a->change);
  const char *command = argv[0];
  const cli_option options[] = {
      CLI_OPT_STRING("reason", 0, &a->reason, "TEXT",
                     "why, recorded with the change (required to revoke or suspend)"),
      CLI_OPT_STRING("from", 0, &a->from, "FILE",
                     "read one ID per line (blank lines and # comments are skipped)"),
      CLI_OPT_FLAG("no-publish", 0, &a->no_publish,
                   "do not publish the status lists touched (publish later)"),
      CLI_OPT_HOME(&a->home),
      CLI_OPT_REGISTRY(),
      CLI_OPT_PASSPHRASE_FILE(&a->passphrase),
  };
  const cli_command parsing = {command, status_synopsis, status_description, CLI_ROWS(options),
                               status_epilogue};
  int first = 0; /* the first ID */
  int parsed = cli_parse(&parsing, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first == argc && !a->from)
    return cli_usage_error(command, "expected credential ids (or --from FILE)");
  if (a->change != SC_CHANGE_REINSTATE && (!a->reason || !*a->reason))
    return cli_usage_error(command, "--reason TEXT is required: it is recorded with the change");
  if (check_reason(command, a->reason) != SC_OK)
    return SC_EUSAGE;
  sc_error err = {0};
  sc_home home;
  sc_registry *reg = NULL;
  int rc = cli_home_open(a->home, &home, &err);
  if (rc == SC_OK)
    rc = sc_registry_open(&home, &reg, &err);
  if (rc != SC_OK) {
    sc_home_close(&home);
    return cli_error(&err);
  }
  a->home_root = home.root;
  touched_lists touched = {0};
  target_list targets = {0};
  rc = resolve_all(reg, a, argv + first, argc - first, &targets, &err);
  if (rc == SC_OK)
    rc = change_all(reg, a, &targets, &touched, &err);
  int changed_rc = rc;
  if (touched.count) /* what was changed is published even if a later change failed */
    rc = publish(&home, reg, a, &touched, &err) == SC_OK ? changed_rc : err.code;
  int withdrawn = withdraw_linked_pdfs(&home, reg, a, &targets); /* reports its own errors */
  if (rc == SC_OK)
    fprintf(stderr, "%zu %s\n", targets.count, a->kind);
  free(targets.items);
  sc_registry_close(reg);
  sc_home_close(&home);
  return rc != SC_OK ? cli_error(&err) : withdrawn;
}

int cmd_revoke(int argc, char **argv) {
  status_args a = {.change = SC_CHANGE_REVOKE};
  return run(argc, argv, &a);
}

int cmd_suspend(int argc, char **argv) {
  status_args a = {.change = SC_CHANGE_SUSPEND};
  return run(argc, argv, &a);
}

int cmd_reinstate(int argc, char **argv) {
  status_args a = {.change = SC_CHANGE_REINSTATE};
  return run(argc, argv, &a);
}
