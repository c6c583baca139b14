/* How many fetches may be talking to one host at once. Without a limit, a few slow requests
 * to one host (an issuer's server that hangs, or a URL an attacker picked) hold as many of the
 * service's workers as they like; with it, the rest wait within their own time budget or end
 * with "status unknown". The table holds only hosts with fetches in flight, so it stays as
 * small as the number of workers. */
#include "verifier/verifier.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOST_MAX 256

typedef struct host_slot {
  char host[HOST_MAX];
  unsigned in_flight;
  struct host_slot *next;
} host_slot;

struct sc_fetch_gate {
  pthread_mutex_t lock;
  pthread_cond_t freed; /* a slot of some host was given back */
  unsigned per_host;
  host_slot *hosts;
};

int64_t sc_monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

sc_fetch_gate *sc_fetch_gate_new(unsigned per_host) {
  sc_fetch_gate *gate = calloc(1, sizeof *gate);
  if (!gate)
    return NULL;
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* deadlines are monotonic */
  pthread_cond_init(&gate->freed, &attr);
  pthread_condattr_destroy(&attr);
  pthread_mutex_init(&gate->lock, NULL);
  gate->per_host = per_host ? per_host : SC_FETCH_PER_HOST;
  return gate;
}

void sc_fetch_gate_free(sc_fetch_gate *gate) {
  if (!gate)
    return;
  while (gate->hosts) {
    host_slot *next = gate->hosts->next;
    free(gate->hosts);
    gate->hosts = next;
  }
  pthread_cond_destroy(&gate->freed);
  pthread_mutex_destroy(&gate->lock);
  free(gate);
}

/* "https://User@Acme.example:8443/x?y" → "acme.example:8443": the authority without user
 * info, lower case; the whole URL when it has no "://" (it then fails in libcurl anyway). */
static void host_of(const char *url, char host[HOST_MAX]) {
  const char *start = strstr(url, "://");
  start = start ? start + 3 : url;
  size_t len = strcspn(start, "/?#");
  const char *at = memchr(start, '@', len);
  if (at) {
    len -= (size_t)(at + 1 - start);
    start = at + 1;
  }
  if (len >= HOST_MAX)
    len = HOST_MAX - 1;
  for (size_t i = 0; i < len; i++)
    host[i] = (char)tolower((unsigned char)start[i]);
  host[len] = '\0';
}

static host_slot *find(sc_fetch_gate *gate, const char *host) {
  for (host_slot *s = gate->hosts; s; s = s->next)
    if (strcmp(s->host, host) == 0)
      return s;
  return NULL;
}

static int wait_until(sc_fetch_gate *gate, int64_t deadline_ms) {
  struct timespec at = {.tv_sec = (time_t)(deadline_ms / 1000),
                        .tv_nsec = (long)(deadline_ms % 1000) * 1000000};
  return pthread_cond_timedwait(&gate->freed, &gate->lock, &at);
}

int sc_fetch_gate_enter(sc_fetch_gate *gate, const char *url, int64_t deadline_ms, sc_error *err) {
  if (!gate)
    return SC_OK;
  char host[HOST_MAX];
  host_of(url, host);
  int rc = SC_OK;
  pthread_mutex_lock(&gate->lock);
  host_slot *slot = find(gate, host);
  while (rc == SC_OK && slot && slot->in_flight >= gate->per_host) {
    if (sc_monotonic_ms() >= deadline_ms || wait_until(gate, deadline_ms) == ETIMEDOUT)
      rc = sc_fail(err, SC_ESTATUS,
                   "%s: %u fetches from %s are already under way, none ended in time", url,
                   gate->per_host, host);
    slot = find(gate, host); /* the slot may have gone and come back while waiting */
  }
  if (rc == SC_OK && !slot) {
    slot = calloc(1, sizeof *slot);
    if (!slot)
      rc = sc_oom(err);
    else {
      memcpy(slot->host, host, sizeof slot->host);
      slot->next = gate->hosts;
      gate->hosts = slot;
    }
  }
  if (rc == SC_OK)
    slot->in_flight++;
  pthread_mutex_unlock(&gate->lock);
  return rc;
}

void sc_fetch_gate_leave(sc_fetch_gate *gate, const char *url) {
  if (!gate)
    return;
  char host[HOST_MAX];
  host_of(url, host);
  pthread_mutex_lock(&gate->lock);
  for (host_slot **link = &gate->hosts; *link; link = &(*link)->next) {
    host_slot *s = *link;
    if (strcmp(s->host, host) != 0)
      continue;
    if (--s->in_flight == 0) {
      *link = s->next;
      free(s);
    }
    break;
  }
  pthread_cond_broadcast(&gate->freed);
  pthread_mutex_unlock(&gate->lock);
}
