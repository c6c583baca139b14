/* Status lists already verified and decoded, kept for the verifications of one process.
 *
 * A list's signature and GZIP cost two-thirds of a verification; a server or a batch checks
 * the same few lists thousands of times. An entry is used while the list is within its
 * validUntil and for at most ttl seconds after it was read, so a list re-published on disk
 * (a revocation) is seen within ttl. Thread-safe: the HTTP service's workers share one memo.
 * Bounded in entries and in the bytes of their lists: the list is kept in order of use, and
 * the least recently used entries make room. */
#include "verifier/verifier.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
  memo_entry *head; /* the most recently used first */
  size_t count, bytes;
  size_t max_entries, max_bytes;
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
    sc_status_memo_limit(memo, 0, 0);
  }
  return memo;
}

void sc_status_memo_limit(sc_status_memo *memo, size_t max_entries, size_t max_bytes) {
  pthread_mutex_lock(&memo->lock);
  memo->max_entries = max_entries ? max_entries : SC_STATUS_MEMO_MAX_ENTRIES;
  memo->max_bytes = max_bytes ? max_bytes : SC_STATUS_MEMO_MAX_BYTES;
  pthread_mutex_unlock(&memo->lock);
}

size_t sc_status_memo_count(sc_status_memo *memo, size_t *bytes) {
  pthread_mutex_lock(&memo->lock);
  size_t count = memo->count;
  if (bytes)
    *bytes = memo->bytes;
  pthread_mutex_unlock(&memo->lock);
  return count;
}

/* An entry's share of max_bytes: its list and its strings. */
static size_t entry_bytes(const memo_entry *e) {
  return e->bits.len + strlen(e->url) + strlen(e->list_issuer) + sizeof *e;
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

/* The fresh entry for url, moved to the front (used now); NULL when there is none. Called
 * with the lock held. */
static memo_entry *use(sc_status_memo *memo, const char *url, int64_t clock) {
  for (memo_entry **link = &memo->head; *link; link = &(*link)->next) {
    memo_entry *e = *link;
    if (strcmp(e->url, url) != 0 || !fresh(memo, e, clock))
      continue;
    *link = e->next;
    e->next = memo->head;
    memo->head = e;
    return e;
  }
  return NULL;
}

bool sc_status_memo_read(sc_status_memo *memo, const char *url, int64_t clock, size_t index,
                         sc_status_memo_view *view) {
  pthread_mutex_lock(&memo->lock);
  memo_entry *e = use(memo, url, clock);
  if (e) {
    view->in_range =
        sc_status_list_get(e->bits.data, e->bits.len, index, 1, &view->value, NULL) == SC_OK;
    snprintf(view->list_issuer, sizeof view->list_issuer, "%s", e->list_issuer);
    view->purpose = e->purpose;
    snprintf(view->origin, sizeof view->origin, "%s, verified earlier", e->origin);
  }
  pthread_mutex_unlock(&memo->lock);
  return e != NULL;
}

static void drop(sc_status_memo *memo, memo_entry **link) {
  memo_entry *gone = *link;
  *link = gone->next;
  memo->count--;
  memo->bytes -= entry_bytes(gone);
  entry_free(gone);
}

/* Drops entries for url, then the least recently used (the last) until an entry of size
 * bytes fits. Called with the lock held. */
static void make_room(sc_status_memo *memo, const char *url, size_t bytes) {
  for (memo_entry **link = &memo->head; *link;) {
    if (strcmp((*link)->url, url) == 0)
      drop(memo, link);
    else
      link = &(*link)->next;
  }
  while (memo->head &&
         (memo->count + 1 > memo->max_entries || memo->bytes + bytes > memo->max_bytes)) {
    memo_entry **last = &memo->head;
    while ((*last)->next)
      last = &(*last)->next;
    drop(memo, last);
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
  size_t bytes = entry_bytes(e);
  pthread_mutex_lock(&memo->lock);
  if (bytes > memo->max_bytes) { /* a list larger than the whole memo is not kept */
    pthread_mutex_unlock(&memo->lock);
    entry_free(e);
    return;
  }
  make_room(memo, url, bytes);
  e->next = memo->head;
  memo->head = e;
  memo->count++;
  memo->bytes += bytes;
  pthread_mutex_unlock(&memo->lock);
}
