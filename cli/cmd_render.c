/* skillcert render: the PDF of a credential signed earlier, e.g. to replace a lost one. */
#include "cli/cli.h"

#include <string.h>

static const char render_help[] =
    "usage: skillcert render [--template NAME] [-o FILE.pdf] [--home DIR] CREDENTIAL.json\n"
    "\n"
    "Renders the PDF certificate of an already signed credential, byte for byte the same as\n"
    "when it was issued: nothing is signed again. By default the template is the one the\n"
    "registry recorded for the credential and the PDF goes to out/<uuid>.pdf.\n"
    "\n"
    "The credential's proof must verify with one of the home's keys: a changed or foreign\n"
    "credential is refused (exit 1), as is a PDF given instead of the JSON (exit 65).\n";

/* The template the registry recorded when the credential was issued. */
static int recorded_template(const sc_home *home, const json_t *credential, char *name,
                             sc_error *err) {
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

int cmd_render(int argc, char **argv) {
  static const struct option options[] = {
      {"template", required_argument, NULL, 't'},
      {"output", required_argument, NULL, 'o'},
      {"home", required_argument, NULL, OPT_HOME},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *template_name = NULL, *output = NULL, *home_dir = NULL;
  int option;
  while ((option = cli_getopt(argc, argv, "o:", options)) != -1) {
    if (option == 't')
      template_name = optarg;
    else if (option == 'o')
      output = optarg;
    else if (option == OPT_HOME)
      home_dir = optarg;
    else if (option == OPT_HELP)
      return fputs(render_help, stdout), SC_OK;
    else
      return cli_option_error("render", argv, "o:");
  }
  if (optind != argc - 1)
    return cli_usage_error("render", "expected one credential file");
  sc_error err = {0};
  sc_home home = {0};
  sc_buf text = {0};
  sc_template *tpl = NULL;
  sc_pdf_renderer *renderer = NULL;
  sc_prepared p = {0};
  json_t *credential = NULL;
  char name[256], dir[PATH_MAX];
  int rc = sc_home_open(home_dir, &home, &err);
  if (rc == SC_OK)
    rc = sc_read_file(argv[optind], SC_JSON_MAX_BYTES, &text, &err);
  if (rc == SC_OK)
    rc = check_not_pdf(&text, argv[optind], &err);
  if (rc == SC_OK)
    rc = sc_json_parse((const char *)text.data, text.len, argv[optind], &credential, &err);
  if (rc == SC_OK)
    rc = check_signed_here(&home, credential, argv[optind], &err);
  if (rc == SC_OK && !template_name &&
      (rc = recorded_template(&home, credential, name, &err)) == SC_OK)
    template_name = name;
  if (rc == SC_OK && (rc = sc_template_find(&home, template_name, dir, sizeof dir, &err)) == SC_OK)
    rc = sc_template_load(dir, &tpl, &err);
  if (rc == SC_OK && !(renderer = sc_pdf_renderer_new(&err)))
    rc = err.code ? err.code : SC_ESOFTWARE;
  sc_issue_context ctx = {&home, NULL, tpl, renderer};
  if (rc == SC_OK)
    rc = sc_issue_prepare_existing(&ctx, (const char *)text.data, text.len, &p, &err);
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
