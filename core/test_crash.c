/* The crash points of the kill -9 tests: SKILLCERT_TEST_CRASH_AT=<point>:<n> kills the process
 * with SIGKILL the n-th time it reaches <point>, so that a test stops a batch exactly inside a
 * window a kill -9 only hits by chance (tests/e2e/batch.bats, batch_dictionary.bats). Without
 * the variable, or for another point, nothing happens. */
#include "core/core.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void sc_test_crash_point(const char *point) {
  static atomic_ulong reached; /* the variable names one point: only that one is counted */
  const char *at = getenv("SKILLCERT_TEST_CRASH_AT");
  size_t len = strlen(point);
  if (!at || strncmp(at, point, len) != 0 || at[len] != ':')
    return;
  if (atomic_fetch_add(&reached, 1) + 1 == strtoul(at + len + 1, NULL, 10))
    raise(SIGKILL);
}
