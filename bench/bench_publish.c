/*
 * Publishing the status lists of a million issued credentials.
 *
 * The fixture: a home whose registry holds BENCH_PUBLISH_ROWS (default 1,000,000) credential
 * rows, inserted with sc_registry_insert in transactions of 50,000. The rows are synthetic
 * (short credential text, no files) but valid for the schema: each has a learner id, an
 * "issued" event and its own slot; lists 1..7 are full (131,072 each), list 8 holds the rest.
 * Then 1 % are revoked and 0.5 % suspended by SQL, with their events, as
 * sc_registry_change_status would leave them (one transaction per change would take minutes).
 *
 * The measurement runs in a child process (this program again, "publish HOME"), so its peak
 * RSS is that of publishing alone: it opens the home, loads the key, opens the registry and
 * times sc_publish_lists for every list (8 lists x 2 purposes = 16 signed list credentials).
 * Only that call is timed; the child reports its ru_maxrss.
 */
#include "bench/bench_support.h"

#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRANSACTION_ROWS 50000

static long rows_wanted(void) {
  const char *text = getenv("BENCH_PUBLISH_ROWS");
  long rows = text ? strtol(text, NULL, 10) : 0;
  return rows > 0 ? rows : 1000000;
}

/* SQL the registry API has no call for: the fixture's lists and its bulk status changes. */
static void fixture_sql(const char *db_path, const char *sql) {
  sqlite3 *db = NULL;
  char *message = NULL;
  if (sqlite3_open(db_path, &db) != SQLITE_OK ||
      sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
    fprintf(stderr, "bench: %s: %s\n", db_path, message ? message : sqlite3_errmsg(db));
    exit(1);
  }
  sqlite3_close(db);
}

/* Row i: list i / 131072 + 1, index i % 131072 (publishing reads indexes, not their order). */
static void insert_row(sc_registry *reg, long i, const char *achievement_id) {
  char id[64], learner[32], name[32], json_path[64], text[320];
  snprintf(id, sizeof id, "urn:uuid:00000000-0000-4000-8000-%012lx", (unsigned long)i);
  snprintf(learner, sizeof learner, "L%07ld", i);
  snprintf(name, sizeof name, "Learner %ld", i);
  snprintf(json_path, sizeof json_path, "out/%s.json", id + 9);
  snprintf(text, sizeof text,
           "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"%s\","
           "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
           "\"credentialSubject\":{\"name\":\"%s\"},\"bench\":\"synthetic fixture row\"}",
           id, name);
  sc_issued_record rec = {
      .id = id,
      .learner_id = learner,
      .achievement_id = achievement_id,
      .recipient_name = name,
      .email_hash = "sha256$0000000000000000000000000000000000000000000000000000000000000000",
      .status_list = i / SC_STATUS_LIST_SIZE + 1,
      .status_index = i % SC_STATUS_LIST_SIZE,
      .issued_at = "2026-01-01T00:00:00Z",
      .template_name = "ai-fundamentals",
      .json_path = json_path,
      .credential_json = text,
  };
  sc_error err = {0};
  if (sc_registry_insert(reg, &rec, &err) != SC_OK)
    bench_die("insert", &err);
}

static void build_fixture(bench_home *bh, long rows) {
  char db_path[PATH_MAX + 16];
  snprintf(db_path, sizeof db_path, "%s/registry.db", bh->home.root);
  sc_error err = {0};
  sc_registry *reg = NULL;
  if (sc_registry_open(&bh->home, &reg, &err) != SC_OK) /* creates the schema */
    bench_die("registry", &err);
  long lists = (rows + SC_STATUS_LIST_SIZE - 1) / SC_STATUS_LIST_SIZE;
  for (long l = 0; l < lists; l++)
    fixture_sql(db_path, "INSERT INTO status_lists (size, created_at)"
                         " VALUES (131072, '2026-01-01T00:00:00Z')");
  const char *achievement_id = json_string_value(json_object_get(bh->achievement, "id"));
  for (long i = 0; i < rows; i++) {
    if (i % TRANSACTION_ROWS == 0 && sc_registry_begin(reg, &err) != SC_OK)
      bench_die("begin", &err);
    insert_row(reg, i, achievement_id);
    if ((i + 1) % TRANSACTION_ROWS == 0 || i + 1 == rows) {
      if (sc_registry_commit(reg, &err) != SC_OK)
        bench_die("commit", &err);
    }
  }
  sc_registry_close(reg);
  fixture_sql(db_path,
              "BEGIN;"
              "UPDATE credentials SET status = 'revoked' WHERE rowid % 100 = 7;"
              "UPDATE credentials SET status = 'suspended' WHERE rowid % 200 = 57;"
              "INSERT INTO events (credential, kind, reason, at) SELECT seq, status, 'bench',"
              " '2026-02-01T00:00:00Z' FROM credentials WHERE status != 'active';"
              "COMMIT;");
}

/* The child: publish every list of the home, timed, and report the peak RSS. */
static int publish_child(const char *root) {
  sc_home home;
  sc_error err = {0};
  sc_passphrase_source no_passphrase = {.none = true};
  EVP_PKEY *key = NULL;
  sc_registry *reg = NULL;
  if (sc_home_open(root, &home, &err) != SC_OK ||
      sc_home_load_key(&home, &no_passphrase, &key, &err) != SC_OK ||
      sc_registry_open(&home, &reg, &err) != SC_OK)
    bench_die("open", &err);
  sc_publish_options opts = {.now = (int64_t)time(NULL)};
  double start = bench_now();
  if (sc_publish_lists(&home, key, reg, NULL, 0, &opts, &err) != SC_OK)
    bench_die("publish", &err);
  double took = bench_now() - start;
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("publish-1m-wall %.2f s\n", took);
  printf("publish-1m-rss %.1f MB\n", (double)usage.ru_maxrss / 1024.0);
  fflush(stdout);
  sc_registry_close(reg);
  EVP_PKEY_free(key);
  sc_home_close(&home);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "publish") == 0)
    return publish_child(argv[2]);
  bench_home bh;
  bench_home_open(&bh);
  long rows = rows_wanted();
  double start = bench_now();
  build_fixture(&bh, rows);
  printf("# publish-1m fixture: %ld rows in %.1f s (not timed)\n", rows, bench_now() - start);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execl("/proc/self/exe", argv[0], "publish", bh.home.root, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    bench_die("publish child", NULL);
  bench_home_close(&bh);
  return 0;
}
