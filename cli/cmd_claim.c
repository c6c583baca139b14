/* skillcert claim: the learners' claim links (docs/claim.md) made or revoked by hand, for a
 * provider who delivers certificates through its own system instead of `skillcert mail`. */
#include "cli/cli.h"

#include <openssl/crypto.h>
#include <string.h>

static const char claim_description[] =
    "link prints a new claim link for each CREDENTIAL: <verifyUrl>/claim/<token>, the\n"
    "learner's own page on `skillcert serve --home` (the verdict, the PDF, the credential,\n"
    "the badge, \"Add to LinkedIn\"). Whoever has the link can open that page and download the\n"
    "certificate: give it to that learner only. It works for skillcert.json \"claim\":\n"
    "{\"days\": N} days (default 90); the registry keeps only a hash of it.\n"
    "\n"
    "revoke stops links working: every link of each CREDENTIAL, every link of every\n"
    "credential of a learner (--all-for LEARNER_ID, the roster's id), or the one LINK given\n"
    "(the link itself, or its token).\n";

typedef struct claim_run {
  sc_home home;
  sc_registry *reg;
  int64_t now;
  size_t revoked;
} claim_run;

static int print_link(claim_run *run, const char *id, int days, sc_error *err) {
  char token[SC_CLAIM_TOKEN_LEN + 1];
  int rc = sc_registry_claim_create(run->reg, id, SC_CLAIM_VIA_LINK, false, run->now,
                                    run->now + (int64_t)days * 86400, token, err);
  char *url = rc == SC_OK ? sc_claim_url(run->home.verify_url, token) : NULL;
  OPENSSL_cleanse(token, sizeof token);
  if (rc == SC_OK && !url)
    rc = sc_oom(err);
  if (rc == SC_OK)
    printf("%s  %s\n", id, url);
  free(url);
  return rc;
}

/* The token of a claim link (…/claim/<token>), or the operand itself. */
static const char *token_of(const char *operand) {
  const char *at = strstr(operand, "/claim/");
  return at ? at + 7 : operand;
}

static int revoke_one(claim_run *run, const char *operand, sc_error *err) {
  const char *token = token_of(operand);
  if (sc_claim_token_form(token)) {
    bool found = false;
    int rc = sc_registry_claim_revoke_token(run->reg, token, run->now, &found, err);
    if (rc == SC_OK && !found) /* the operand is a secret: not repeated */
      return sc_fail(err, SC_EDATA, "that claim link is unknown or revoked already");
    run->revoked += found;
    return rc;
  }
  size_t count = 0;
  int rc = sc_registry_claim_revoke(run->reg, operand, run->now, &count, err);
  run->revoked += count;
  return rc;
}

static int collect(void *ctx, const json_t *row) {
  return json_array_append(ctx, json_object_get(row, "id")) == 0 ? SC_OK : SC_ESOFTWARE;
}

static int revoke_learner(claim_run *run, const char *learner, sc_error *err) {
  json_t *ids = json_array();
  sc_registry_filter filter = {.learner_id = learner};
  int rc = ids ? sc_registry_each(run->reg, &filter, collect, ids, err) : sc_oom(err);
  if (rc == SC_OK && json_array_size(ids) == 0)
    rc = sc_fail(err, SC_EDATA, "--all-for %s: no credential of that learner in the registry",
                 learner);
  size_t i;
  json_t *id;
  json_array_foreach(ids, i, id) {
    size_t count = 0;
    if (rc == SC_OK)
      rc = sc_registry_claim_revoke(run->reg, json_string_value(id), run->now, &count, err);
    run->revoked += count;
  }
  json_decref(ids);
  return rc;
}

static int run_claim(claim_run *run, const char *sub, char **operands, int count,
                     const char *all_for, sc_error *err) {
  int days = 0;
  int rc = strcmp(sub, "link") == 0 ? sc_claim_days(&run->home, &days, err) : SC_OK;
  for (int i = 0; rc == SC_OK && i < count; i++)
    rc = days ? print_link(run, operands[i], days, err) : revoke_one(run, operands[i], err);
  if (rc == SC_OK && all_for)
    rc = revoke_learner(run, all_for, err);
  if (rc == SC_OK && days)
    fprintf(stderr,
            "skillcert: claim: each link opens its learner's certificate and downloads: it is a "
            "secret for that learner only; it works for %d days\n",
            days);
  if (rc == SC_OK && !days)
    fprintf(stderr, "skillcert: claim: %zu link%s revoked\n", run->revoked,
            run->revoked == 1 ? "" : "s");
  return rc;
}

int cmd_claim(int argc, char **argv) {
  const char *home_dir = NULL, *all_for = NULL;
  const cli_option options[] = {
      CLI_OPT_STRING("all-for", 0, &all_for, "LEARNER_ID",
                     "revoke: every link of every credential of this learner"),
      CLI_OPT_HOME(&home_dir),
      CLI_OPT_REGISTRY(),
  };
  const cli_command command = {"claim",
                               "skillcert claim link [--home DIR] CREDENTIAL...\n"
                               "       skillcert claim revoke [--home DIR] "
                               "(CREDENTIAL | LINK)... [--all-for LEARNER_ID]",
                               claim_description, CLI_ROWS(options), NULL};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first >= argc)
    return cli_usage_error("claim", "expected a subcommand: link or revoke");
  const char *sub = argv[first];
  bool link = strcmp(sub, "link") == 0;
  if (!link && strcmp(sub, "revoke") != 0)
    return cli_usage_error("claim", "'%s' is not a claim subcommand (link, revoke)", sub);
  int count = argc - first - 1;
  if (link && (count == 0 || all_for))
    return cli_usage_error("claim", "link: expected CREDENTIAL ids (and no --all-for)");
  if (!link && count == 0 && !all_for)
    return cli_usage_error("claim", "revoke: expected CREDENTIAL ids, links or --all-for");
  claim_run run = {.now = (int64_t)time(NULL)};
  sc_error err = {0};
  int rc = cli_home_open(home_dir, &run.home, &err);
  if (rc == SC_OK)
    rc = sc_registry_open(&run.home, &run.reg, &err);
  if (rc == SC_OK)
    rc = run_claim(&run, sub, argv + first + 1, count, all_for, &err);
  sc_registry_close(run.reg);
  sc_home_close(&run.home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
