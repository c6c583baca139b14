/* The registry fixture of the unit tests that run one group on SQLite and again on PostgreSQL:
 * a new home whose registry is its own SQLite file (setup) or a new database of the throwaway
 * cluster this test binary shares (setup_pg; tests/pg/cluster.sh, started by start_postgres and
 * stopped by stop_postgres as the group's setup and teardown). */
#ifndef SKILLCERT_TEST_REGISTRY_SUPPORT_H
#define SKILLCERT_TEST_REGISTRY_SUPPORT_H

#include "test_support.h"

#include "issuer/issuer.h"

typedef struct fixture {
  char dir[64];
  char uri[512]; /* the PostgreSQL database, or "" for SQLite */
  sc_home home;
  sc_registry *reg;
} fixture;

/* The PostgreSQL cluster of this test binary, started once for its PostgreSQL group. */
static char pg_dir[64];
static int pg_databases;

/* Runs command and keeps the first line it prints in out; 0 when it succeeded and printed one. */
static inline int run_line(const char *command, char *out, size_t size) {
  FILE *p = popen(command, "r");
  if (!p)
    return -1;
  if (!fgets(out, (int)size, p))
    out[0] = 0;
  out[strcspn(out, "\n")] = 0;
  return pclose(p) == 0 && out[0] ? 0 : -1;
}

static inline int start_postgres(void **state) {
  (void)state;
  char command[256], uri[512];
  if (!make_temp_dir(pg_dir, "unit-pg"))
    return -1;
  snprintf(command, sizeof command, "tests/pg/cluster.sh start %s", pg_dir);
  return run_line(command, uri, sizeof uri);
}

static inline int stop_postgres(void **state) {
  (void)state;
  char command[256];
  snprintf(command, sizeof command, "tests/pg/cluster.sh stop %s", pg_dir);
  int rc = system(command);
  return rc == 0 && remove_temp_dir(pg_dir) == 0 ? 0 : -1;
}

static inline fixture *new_fixture(void) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || !make_temp_dir(f->dir, "registry")) {
    free(f);
    return NULL;
  }
  snprintf(f->home.root, sizeof f->home.root, "%s", f->dir);
  return f;
}

static inline int open_fixture(fixture *f, void **state) {
  sc_error err = {0};
  if (sc_registry_open(&f->home, &f->reg, &err) != SC_OK) {
    fprintf(stderr, "%s\n", err.message);
    return -1;
  }
  *state = f;
  return 0;
}

static inline int setup(void **state) {
  fixture *f = new_fixture();
  return f ? open_fixture(f, state) : -1;
}

/* The same fixture on a new database of the cluster start_postgres started. */
static inline int setup_pg(void **state) {
  fixture *f = new_fixture();
  if (!f)
    return -1;
  char command[256];
  snprintf(command, sizeof command, "tests/pg/cluster.sh createdb %s t%d", pg_dir, ++pg_databases);
  if (run_line(command, f->uri, sizeof f->uri) != 0)
    return -1;
  f->home.registry = f->uri;
  return open_fixture(f, state);
}

static inline int teardown(void **state) {
  fixture *f = *state;
  sc_registry_close(f->reg);
  int rc = remove_temp_dir(f->dir);
  free(f);
  return rc;
}

#endif
