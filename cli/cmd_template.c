/* skillcert template: list the certificate designs, or preview one as PDF and PNG. */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static const char template_description[] =
    "list     prints the templates found: the issuer home's templates/ first, then the shipped\n"
    "         ones ($SKILLCERT_TEMPLATES, else PREFIX/share/skillcert/templates, else the\n"
    "         templates/ folder next to the program or in the current folder).\n"
    "preview  renders a sample certificate with template NAME to FILE.pdf (default\n"
    "         NAME-preview.pdf) and a PNG next to it (FILE.png, 100 dpi, made by pdftoppm from\n"
    "         poppler-utils). The sample is signed with a throwaway key, so it verifies as\n"
    "         authentic but untrusted. --name sets the sample recipient's name (any script the\n"
    "         fonts can draw).\n"
    "check    checks template NAME's layout: every text block's box (docs/templates.md) must\n"
    "         stay on the page and clear of the other boxes, the rules and frames, the logo\n"
    "         and the QR code with its URL. Prints each problem naming the blocks and exits 65,\n"
    "         or prints \"NAME: layout OK\".\n";

typedef struct template_args {
  const char *output, *name, *home;
  bool no_png;
} template_args;

/* The home when there is one; templates work without. --home must open. */
static int open_home(const char *dir, sc_home *home, bool *have, sc_error *err) {
  *have = false;
  int rc = sc_home_open(dir, home, err);
  if (rc == SC_OK)
    *have = true;
  else if (!dir)
    rc = SC_OK, sc_error_clear(err);
  return rc;
}

/* ---------------------------------------------------------------- list */

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list_folder(const char *folder) {
  DIR *dir = opendir(folder);
  struct dirent *entry;
  char **names = NULL;
  size_t count = 0;
  while (dir && (entry = readdir(dir))) {
    char **grown = entry->d_name[0] == '.' ? NULL : realloc(names, (count + 1) * sizeof *names);
    if (grown && (grown[count] = strdup(entry->d_name)))
      names = grown, count++;
    else if (grown)
      names = grown;
  }
  if (dir)
    closedir(dir);
  if (count)
    qsort(names, count, sizeof *names, compare_names);
  for (size_t i = 0; i < count; i++) {
    char path[PATH_MAX];
    sc_template *tpl = NULL;
    sc_error err = {0};
    if (sc_path_format(path, sizeof path, SC_EDATA, &err, "%s/%s", folder, names[i]) == SC_OK &&
        sc_template_load(path, &tpl, &err) == SC_OK) {
      const char *title = sc_json_text(json_object_get(sc_template_achievement(tpl), "name"),
                                       sc_lang_process());
      printf("%-24s %-36s %s\n", names[i], title ? title : "", path);
      sc_template_free(tpl);
    } else if (err.code != SC_ENOINPUT) {
      printf("%-24s %-36s %s\n", names[i], "(broken: see below)", path);
      fprintf(stderr, "skillcert: template %s: %s\n", names[i], err.message);
    }
    free(names[i]);
  }
  free(names);
}

static int template_list(const template_args *args) {
  sc_error err = {0};
  sc_home home;
  bool have_home;
  if (open_home(args->home, &home, &have_home, &err) != SC_OK)
    return cli_error(&err);
  char dirs[8][PATH_MAX];
  size_t count = sc_template_search_path(have_home ? &home : NULL, dirs, 8);
  for (size_t i = 0; i < count; i++)
    list_folder(dirs[i]);
  if (have_home)
    sc_home_close(&home);
  return SC_OK;
}

/* ---------------------------------------------------------------- preview */

/* A signed sample credential: the home's issuer name when there is a home, a throwaway key. */
static json_t *sample_credential(const sc_home *home, const sc_template *tpl, const char *name,
                                 sc_error *err) {
  EVP_PKEY *key = sc_ed25519_generate(err);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  char *did = NULL, *vm = NULL;
  json_t *credential = NULL;
  bool ready = key && sc_ed25519_public(key, pub, err) == SC_OK;
  if (ready && (!(did = sc_did_key_encode(pub)) || !(vm = sc_did_key_verification_method(did)))) {
    ready = false; /* the encoders fail only when memory runs out */
    sc_oom(err);
  }
  if (ready) {
    sc_home issuer = {0};
    issuer.issuer_id = did;
    issuer.issuer_name = home ? home->issuer_name : "Example Academy";
    issuer.issuer_url = home ? home->issuer_url : "https://academy.example";
    issuer.public_url = home ? home->public_url : "https://academy.example";
    char until[11];
    int64_t now = (int64_t)time(NULL);
    sc_date_format(now + 2 * 365 * 86400, until);
    sc_issue_request req = {.recipient = {name, "learner@example.org", NULL},
                            .achievement = sc_template_achievement(tpl),
                            .valid_until = until,
                            .now = now,
                            .status_list = -1};
    credential = sc_credential_build(&issuer, &req, err);
    char created[21];
    sc_time_format(now, created);
    sc_proof_options opts = {.verification_method = vm, .created = created};
    if (credential && sc_di_sign(credential, key, &opts, NULL, err) != SC_OK) {
      json_decref(credential);
      credential = NULL;
    }
  }
  free(did);
  free(vm);
  EVP_PKEY_free(key);
  return credential;
}

/* FILE.pdf -> FILE.png via pdftoppm (poppler-utils), run without a shell. */
static int make_png(const char *pdf, sc_error *err) {
  char base[PATH_MAX];
  snprintf(base, sizeof base, "%s", pdf);
  size_t len = strlen(base);
  if (len > 4 && strcmp(base + len - 4, ".pdf") == 0)
    base[len - 4] = '\0';
  char *argv[] = {"pdftoppm", "-png", "-r", "100", "-singlefile", (char *)pdf, base, NULL};
  pid_t pid;
  int rc = posix_spawnp(&pid, "pdftoppm", NULL, NULL, argv, environ), status = 0;
  if (rc == ENOENT)
    return sc_fail(err, SC_ESOFTWARE,
                   "template preview: pdftoppm not found (install poppler-utils, or use --no-png); "
                   "the PDF is at %s",
                   pdf);
  if (rc != 0)
    return sc_fail(err, SC_ESOFTWARE, "template preview: cannot run pdftoppm: %s", strerror(rc));
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return sc_fail(err, SC_ESOFTWARE, "template preview: pdftoppm failed on %s", pdf);
  printf("%s.png\n", base);
  return SC_OK;
}

static int render_sample(const sc_home *home, const sc_template *tpl, const template_args *args,
                         const char *output, sc_error *err) {
  json_t *credential = sample_credential(home, tpl, args->name, err);
  char *json = credential ? json_dumps(credential, JSON_INDENT(2)) : NULL;
  char *qr_text = NULL;
  bool link_mode = false;
  sc_pdf_renderer *renderer = NULL;
  sc_buf pdf = {0};
  int rc = credential ? (json ? SC_OK : sc_oom(err)) : err->code;
  const char *verify_url = home ? home->verify_url : "https://verify.example.org";
  if (rc == SC_OK)
    rc = sc_qr_text_for(credential, verify_url, sc_qr_mode_resolve(SC_QR_MODE_UNSET, tpl, home),
                        sc_template_qr_size(tpl), &qr_text, &link_mode, NULL, err);
  if (rc == SC_OK && !(renderer = sc_pdf_renderer_new(err)))
    rc = err->code;
  if (rc == SC_OK) {
    sc_certificate cert = {credential, json, strlen(json), qr_text, NULL, verify_url, NULL};
    rc = sc_pdf_render(renderer, tpl, &cert, &pdf, err);
  }
  if (rc == SC_OK)
    rc = sc_write_file_atomic(output, pdf.data, pdf.len, 0644, err);
  if (rc == SC_OK)
    printf("%s\n", output);
  sc_buf_free(&pdf);
  sc_pdf_renderer_free(renderer);
  free(qr_text);
  free(json);
  json_decref(credential);
  return rc;
}

static int template_preview(const char *name, const template_args *args) {
  sc_error err = {0};
  sc_home home;
  bool have_home;
  char dir[PATH_MAX], output[PATH_MAX];
  sc_template *tpl = NULL;
  if (strlen(name) > 200)
    return cli_usage_error("template", "template name too long");
  snprintf(output, sizeof output, "%s", args->output ? args->output : "");
  if (!args->output)
    snprintf(output, sizeof output, "%s-preview.pdf", name);
  if (open_home(args->home, &home, &have_home, &err) != SC_OK)
    return cli_error(&err);
  int rc = sc_template_find(have_home ? &home : NULL, name, dir, sizeof dir, &err);
  if (rc == SC_OK)
    rc = sc_template_load(dir, &tpl, &err);
  if (rc == SC_OK)
    rc = render_sample(have_home ? &home : NULL, tpl, args, output, &err);
  if (rc == SC_OK && !args->no_png)
    rc = make_png(output, &err);
  sc_template_free(tpl);
  if (have_home)
    sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

/* ---------------------------------------------------------------- check */

static void print_problem(void *ctx, const char *sentence) {
  fprintf(stderr, "skillcert: template %s: %s\n", (const char *)ctx, sentence);
}

static int template_check(const char *name, const template_args *args) {
  sc_error err = {0};
  sc_home home;
  bool have_home;
  char dir[PATH_MAX];
  sc_template *tpl = NULL;
  if (open_home(args->home, &home, &have_home, &err) != SC_OK)
    return cli_error(&err);
  int rc = sc_template_find(have_home ? &home : NULL, name, dir, sizeof dir, &err);
  if (rc == SC_OK)
    rc = sc_template_load(dir, &tpl, &err);
  size_t problems = rc == SC_OK ? sc_template_check_layout(tpl, print_problem, (void *)name) : 0;
  if (rc == SC_OK && problems)
    rc = sc_fail(&err, SC_EDATA, "template %s: %zu layout problem%s (%s/template.json)", name,
                 problems, problems == 1 ? "" : "s", dir);
  else if (rc == SC_OK)
    printf("%s: layout OK\n", name);
  /* mail.json: every language's texts read, every placeholder known (mail_texts.c). */
  sc_mail_texts texts = {0};
  if (rc == SC_OK && (rc = sc_mail_texts_load(dir, NULL, NULL, &texts, &err)) == SC_OK &&
      texts.subject)
    printf("%s: e-mail texts OK\n", name);
  sc_mail_texts_free(&texts);
  sc_template_free(tpl);
  if (have_home)
    sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

int cmd_template(int argc, char **argv) {
  template_args args = {.name = "Ada Lovelace"};
  const cli_option options[] = {
      CLI_OPT_STRING("output", 'o', &args.output, "FILE.pdf",
                     "preview: where to write (default: NAME-preview.pdf)"),
      CLI_OPT_STRING("name", 0, &args.name, "RECIPIENT",
                     "preview: the sample recipient's name (default: Ada Lovelace)"),
      CLI_OPT_FLAG("no-png", 0, &args.no_png, "preview: the PDF only"),
      CLI_OPT_HOME(&args.home),
  };
  const cli_command command = {
      "template",
      "skillcert template list [--home DIR]\n"
      "       skillcert template preview NAME [-o FILE.pdf] [--name RECIPIENT] [--no-png]\n"
      "                                       [--home DIR]\n"
      "       skillcert template check NAME [--home DIR]",
      template_description, CLI_ROWS(options), "Template format: docs/templates.md.\n"};
  int first = 0; /* the subcommand */
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first >= argc)
    return cli_usage_error("template", "expected a subcommand: list, preview or check");
  const char *sub = argv[first];
  if (strcmp(sub, "list") == 0 && first == argc - 1)
    return template_list(&args);
  if (strcmp(sub, "preview") == 0 && first == argc - 2)
    return template_preview(argv[first + 1], &args);
  if (strcmp(sub, "check") == 0 && first == argc - 2)
    return template_check(argv[first + 1], &args);
  if (strcmp(sub, "preview") == 0 || strcmp(sub, "check") == 0)
    return cli_usage_error("template", "%s: expected one template NAME", sub);
  return cli_usage_error("template", "'%s' is not a template subcommand (list, preview, check)",
                         sub);
}
