/* Status lists already verified and decoded, kept for the verifications of one process.
 *
 * A list's signature and GZIP cost two-thirds of a verification; a server or a batch checks
 * the same few lists thousands of times. An entry is used while the list is within its
 * validUntil and for at most ttl seconds after it was read, so a list re-published on disk
 * (a revocation) is seen within ttl. Thread-safe: the HTTP service's workers share one memo. */
#include "verifier/verifier.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ENTRIES 256

typedef struct memo_entry {
  char *url, *list_issuer;
  sc_purpose purpose;
  sc_buf bits;
  char origin[256];
  int64_t valid_until; /* INT64_MAX: none */
  double read_at;      /* monotonic seconds */
  struct memo_entry *next;
} memo_entry;

struct sc_status_memo {
  pthread_mutex_t lock;
  double ttl;
  memo_entry *head;
  size_t count;
};

static double monotonic(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

sc_status_memo *sc_status_memo_new(double ttl_seconds) {
  sc_status_memo *memo = calloc(1, sizeof *memo);
  if (memo) {
    pthread_mutex_init(&memo->lock, NULL);
    memo->ttl = ttl_seconds;
  }
  return memo;
}

static void entry_free(memo_entry *e) {
  free(e->url);
  free(e->list_issuer);
  sc_buf_free(&e->bits);
  free(e);
}

void sc_status_memo_free(sc_status_memo *memo) {
  if (!memo)
    return;
  while (memo->head) {
    memo_entry *next = memo->head->next;
    entry_free(memo->head);
    memo->head = next;
  }
  pthread_mutex_destroy(&memo->lock);
  free(memo);
}

static bool fresh(const sc_status_memo *memo, const memo_entry *e, int64_t clock) {
  return clock < e->valid_until && monotonic() - e->read_at < memo->ttl;
}

bool sc_status_memo_read(sc_status_memo *memo, const char *url, int64_t clock, size_t index,
                         sc_status_memo_view *view) {
  bool hit = false;
  pthread_mutex_lock(&memo->lock);
  for (memo_entry *e = memo->head; e && !hit; e = e->next) {
    if (strcmp(e->url, url) != 0 || !fresh(memo, e, clock))
      continue;
    hit = true;
    view->in_range =
        sc_status_list_get(e->bits.data, e->bits.len, index, 1, &view->value, NULL) == SC_OK;
    snprintf(view->list_issuer, sizeof view->list_issuer, "%s", e->list_issuer);
    view->purpose = e->purpose;
    snprintf(view->origin, sizeof view->origin, "%s, verified earlier", e->origin);
  }
  pthread_mutex_unlock(&memo->lock);
  return hit;
}

/* Drops entries for url and, when full, the oldest one. Called with the lock held. */
static void make_room(sc_status_memo *memo, const char *url) {
  memo_entry **link = &memo->head, **oldest = NULL;
  while (*link) {
    if (strcmp((*link)->url, url) == 0) {
      memo_entry *gone = *link;
      *link = gone->next;
      entry_free(gone);
      memo->count--;
      continue;
    }
    if (!oldest || (*link)->read_at < (*oldest)->read_at)
      oldest = link;
    link = &(*link)->next;
  }
  if (memo->count >= MAX_ENTRIES && oldest) {
    memo_entry *gone = *oldest;
    *oldest = gone->next;
    entry_free(gone);
    memo->count--;
  }
}

void sc_status_memo_put(sc_status_memo *memo, const char *url, const char *list_issuer,
                        sc_purpose purpose, const uint8_t *bits, size_t len, const char *origin,
                        int64_t valid_until) {
  memo_entry *e = calloc(1, sizeof *e);
  if (!e || !(e->url = strdup(url)) || !(e->list_issuer = strdup(list_issuer)) ||
      !sc_buf_append(&e->bits, bits, len)) {
    if (e)
      entry_free(e);
    return; /* a memo that could not grow only costs speed */
  }
  e->purpose = purpose;
  snprintf(e->origin, sizeof e->origin, "%s", origin);
  e->valid_until = valid_until;
  e->read_at = monotonic();
  pthread_mutex_lock(&memo->lock);
  make_room(memo, url);
  e->next = memo->head;
  memo->head = e;
  memo->count++;
  pthread_mutex_unlock(&memo->lock);
}
