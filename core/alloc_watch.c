/* Allocation failures, counted per thread: code that makes many small allocations through
 * libraries (jansson building the expanded form of a JSON-LD document, say) compares the count
 * before and after, and reports "out of memory" instead of a result with a piece missing. */
#include "core/core.h"

static _Thread_local size_t failures;

void sc_alloc_note_failure(void) {
  failures++;
}

size_t sc_alloc_failure_count(void) {
  return failures;
}

void *sc_alloc_checked(void *p) {
  if (!p)
    failures++;
  return p;
}
