/* skillcert render: the PDF of a credential signed earlier, e.g. to replace a lost one. */
#include "cli/cli.h"

#include <string.h>

static const char render_description[] =
    "Renders the PDF certificate of an already signed credential, byte for byte the same as\n"
    "when it was issued: nothing is signed again. By default the template is the one the\n"
    "registry recorded for the credential and the PDF goes to out/<uuid>.pdf.\n"
    "\n"
    "With --badge png|svg it writes the learner's Open Badges 3.0 baked badge instead: the\n"
    "template's badge image with the credential inside (out/<uuid>.badge.png or .svg), which\n"
    "badge backpacks import and skillcert verify reads.\n"
    "\n"
    "The credential's proof must verify with one of the home's keys: a changed or foreign\n"
    "credential is refused (exit 1), as is a PDF given instead of the JSON (exit 65).\n";

/* The template the registry recorded when the credential was issued. */
/* The design the registry recorded for credential, and the language its certificate was
 * written in (language[0] == '\0': the template's). */
static int recorded_template(const sc_home *home, const json_t *credential, char *name,
                             char language[8], sc_error *err) {
  sc_registry *reg = NULL;
  json_t *row = NULL;
  const char *id = json_string_value(json_object_get(credential, "id"));
  int rc = id ? sc_registry_open(home, &reg, err) : sc_fail(err, SC_EDATA, "credential has no id");
  if (rc == SC_OK)
    rc = sc_registry_get(reg, id, &row, err);
  const char *recorded = json_string_value(json_object_get(row, "template"));
  if (rc == SC_OK && !recorded)
    rc = sc_fail(err, SC_EUSAGE,
                 "render: the registry has no template for %s; give --template NAME", id);
  if (rc == SC_OK)
    snprintf(name, 256, "%s", recorded);
  const char *lang = sc_lang_match(json_string_value(json_object_get(row, "language")), 0);
  snprintf(language, 8, "%s", lang ? lang : "");
  json_decref(row);
  sc_registry_close(reg);
  return rc;
}

/* A proof of this home: "<key's did:key>#X" or "<issuer id>#X", X a key in skillcert.json. */
static int resolve_home_key(void *ctx, const char *vm, uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                            sc_error *err) {
  const sc_home *home = ctx;
  return sc_home_key_resolve(home->issuer_id, json_object_get(home->config, "keys"), vm, pub, err);
}

/* Rendering puts the issuer's name under whatever the file says, so the file must be what
 * this issuer signed: a changed character would otherwise become a genuine-looking PDF. */
static int check_signed_here(const sc_home *home, const json_t *credential, const char *path,
                             sc_error *err) {
  sc_di_verify_options opts = {.resolver = resolve_home_key, .resolver_ctx = (void *)home};
  sc_di_result result;
  int rc = sc_di_verify(credential, &opts, &result, NULL, err);
  if (rc == SC_OK)
    return SC_OK;
  return sc_error_prefix(err, "%s: refusing to render: the credential's proof does not verify",
                         path);
}

/* The usual mistake is to give the certificate itself; its parse error would be cryptic. */
static int check_not_pdf(const sc_buf *text, const char *path, sc_error *err) {
  if (text->len >= 5 && memcmp(text->data, "%PDF-", 5) == 0)
    return sc_fail(err, SC_EDATA,
                   "%s: expected a credential JSON, not a PDF (its credential.json is attached: "
                   "qpdf --show-attachment=credential.json %s)",
                   path, path);
  return SC_OK;
}

/* --badge: the baked badge beside the credential's other files; takes over home, tpl, credential
 * and text (all freed here). */
static int render_badge(sc_home *home, sc_template *tpl, json_t *credential, sc_buf *text,
                        const char *kind, const char *output, sc_error *err) {
  sc_buf out = {0};
  char path[PATH_MAX], name[96];
  const char *id = json_string_value(json_object_get(credential, "id"));
  const char *uuid = id && strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : NULL;
  int rc = output || uuid ? SC_OK
                          : sc_fail(err, SC_EUSAGE, "the credential has no urn:uuid id: give -o FILE");
  if (rc == SC_OK && !output) {
    snprintf(name, sizeof name, "%s.badge.%s", uuid, kind);
    rc = sc_home_path(home, "out", name, path, sizeof path, err);
  }
  if (rc == SC_OK)
    rc = sc_badge_render(tpl, credential, (const char *)text->data, strcmp(kind, "svg") == 0, &out,
                         err);
  if (rc == SC_OK)
    rc = sc_write_file_atomic(output ? output : path, out.data, out.len, 0644, err);
  if (rc == SC_OK)
    printf("%s\n", output ? output : path);
  sc_buf_free(&out);
  json_decref(credential);
  sc_template_free(tpl);
  sc_buf_free(text);
  sc_home_close(home);
  return rc == SC_OK ? SC_OK : cli_error(err);
}

int cmd_render(int argc, char **argv) {
  const char *template_name = NULL, *output = NULL, *home_dir = NULL, *badge = NULL;
  const cli_option options[] = {
      CLI_OPT_STRING("template", 0, &template_name, "NAME",
                     "the design (default: the one the registry recorded)"),
      CLI_OPT_STRING("output", 'o', &output, "FILE",
                     "where to write (default: out/<uuid>.pdf, or .badge.png/.svg)"),
      CLI_OPT_STRING("badge", 0, &badge, "png|svg",
                     "write the Open Badges 3.0 baked badge instead of the PDF"),
      CLI_OPT_HOME(&home_dir),
      CLI_OPT_REGISTRY(),
  };
  const cli_command command = {
      "render",
      "skillcert render [--template NAME] [--badge png|svg] [-o FILE] [--home DIR] CREDENTIAL.json",
      render_description, CLI_ROWS(options), NULL};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first != argc - 1)
    return cli_usage_error("render", "expected one credential file");
  if (badge && strcmp(badge, "png") != 0 && strcmp(badge, "svg") != 0)
    return cli_usage_error("render", "--badge expects png or svg, got '%s'", badge);
  sc_error err = {0};
  sc_home home = {0};
  sc_buf text = {0};
  sc_template *tpl = NULL;
  sc_pdf_renderer *renderer = NULL;
  sc_prepared p = {0};
  json_t *credential = NULL;
  char name[256], dir[PATH_MAX], language[8] = "";
  int rc = cli_home_open(home_dir, &home, &err);
  if (rc == SC_OK)
    rc = sc_read_file(argv[first], SC_JSON_MAX_BYTES, &text, &err);
  if (rc == SC_OK)
    rc = check_not_pdf(&text, argv[first], &err);
  if (rc == SC_OK)
    rc = sc_json_parse((const char *)text.data, text.len, argv[first], &credential, &err);
  if (rc == SC_OK)
    rc = check_signed_here(&home, credential, argv[first], &err);
  if (rc == SC_OK && !template_name &&
      (rc = recorded_template(&home, credential, name, language, &err)) == SC_OK)
    template_name = name;
  if (rc == SC_OK && (rc = sc_template_find(&home, template_name, dir, sizeof dir, &err)) == SC_OK)
    rc = sc_template_load(dir, &tpl, &err);
  if (rc == SC_OK && badge)
    return render_badge(&home, tpl, credential, &text, badge, output, &err);
  if (rc == SC_OK && !(renderer = sc_pdf_renderer_new(&err)))
    rc = err.code;
  sc_issue_context ctx = {
      .home = &home, .tpl = tpl, .renderer = renderer, .qr_mode = SC_QR_MODE_UNSET};
  if (rc == SC_OK)
    rc = sc_issue_prepare_existing(&ctx, (const char *)text.data, text.len,
                                   language[0] ? language : NULL, &p, &err);
  const char *target = output ? output : p.pdf_path;
  if (rc == SC_OK)
    rc = sc_write_file_atomic(target, p.pdf.data, p.pdf.len, 0644, &err);
  if (rc == SC_OK)
    printf("%s\n", target);
  sc_prepared_free(&p);
  json_decref(credential);
  sc_pdf_renderer_free(renderer);
  sc_template_free(tpl);
  sc_buf_free(&text);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
