/* The per-client rate limit of serve: how many tries a client made in the current minute that
 * missed. Each kind of route has its own instance and says what a miss is: a claim link that
 * opened nothing (docs/claim.md), a 4xx answer of a wallet route (docs/wallets.md). A guessed
 * token is 256 bits, so guessing cannot succeed; the limit keeps a scan from costing the
 * registry a lookup per try. Only misses count, so that many learners behind one address (a
 * school's network, a reverse proxy) are not held up by each other's successes. The table is
 * bounded: a
 * client is one slot of a small set chosen by a hash of its address, and a new client takes
 * the least recently seen slot of its set, so the table's size stays fixed whatever the number
 * of clients (one who rotates through many addresses is not limited by address anyway). */
#include "service/http_internal.h"

#include <stdlib.h>
#include <string.h>

#define WAYS 4          /* slots a client may occupy */
#define ADDRESS_SIZE 48 /* INET6_ADDRSTRLEN and a NUL */
#define WINDOW_SECONDS 60

typedef struct limiter_slot {
  char client[ADDRESS_SIZE]; /* "" = free */
  int64_t window_start;      /* when this minute's count began */
  int64_t last_seen;
  unsigned misses;
} limiter_slot;

struct sc_http_limiter {
  pthread_mutex_t lock;
  unsigned limit;
  size_t sets;
  limiter_slot *slots; /* sets * WAYS */
};

sc_http_limiter *sc_http_limiter_new(unsigned misses_per_minute, size_t slots) {
  sc_http_limiter *l = calloc(1, sizeof *l);
  size_t sets = slots / WAYS ? slots / WAYS : 1;
  if (l && !(l->slots = calloc(sets * WAYS, sizeof *l->slots))) {
    free(l);
    return NULL;
  }
  if (l) {
    l->limit = misses_per_minute;
    l->sets = sets;
    pthread_mutex_init(&l->lock, NULL);
  }
  return l;
}

void sc_http_limiter_free(sc_http_limiter *limiter) {
  if (!limiter)
    return;
  pthread_mutex_destroy(&limiter->lock);
  free(limiter->slots);
  free(limiter);
}

static size_t hash(const char *text) {
  size_t h = 1469598103934665603u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    h = (h ^ *p) * 1099511628211u;
  return h;
}

/* The client's slot (made, the least recently seen of its set giving way), its minute renewed
 * when the last one is over. Called under the lock. */
static limiter_slot *slot_of(sc_http_limiter *l, const char *client, int64_t now) {
  limiter_slot *set = l->slots + (hash(client) % l->sets) * WAYS, *oldest = set;
  limiter_slot *slot = NULL;
  for (size_t i = 0; i < WAYS && !slot; i++)
    if (strcmp(set[i].client, client) == 0)
      slot = &set[i];
    else if (set[i].last_seen < oldest->last_seen)
      oldest = &set[i];
  if (!slot) {
    slot = oldest;
    memset(slot, 0, sizeof *slot);
    snprintf(slot->client, sizeof slot->client, "%s", client);
    slot->window_start = now;
  }
  if (now - slot->window_start >= WINDOW_SECONDS || now < slot->window_start) {
    slot->window_start = now;
    slot->misses = 0;
  }
  slot->last_seen = now;
  return slot;
}

unsigned http_limiter_wait(sc_http_limiter *l, const char *client, int64_t now) {
  pthread_mutex_lock(&l->lock);
  limiter_slot *slot = slot_of(l, client ? client : "", now);
  unsigned wait =
      slot->misses >= l->limit ? (unsigned)(WINDOW_SECONDS - (now - slot->window_start)) : 0;
  pthread_mutex_unlock(&l->lock);
  return wait;
}

void http_limiter_miss(sc_http_limiter *l, const char *client, int64_t now) {
  pthread_mutex_lock(&l->lock);
  slot_of(l, client ? client : "", now)->misses++;
  pthread_mutex_unlock(&l->lock);
}
