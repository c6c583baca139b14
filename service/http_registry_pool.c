/* Registry handles kept open between requests. Opening one costs a connection (on PostgreSQL a
 * new server process and its authentication: milliseconds) and the schema check, which a claim
 * page view or a wallet route would otherwise pay on every request. A handle serves one thread
 * at a time (issuer.h), so the pool lends each to one request and takes it back afterwards.
 * Bounded: at most idle_max handles wait; one more is closed on return.
 *
 * A handle that waited may have lost its connection (the database restarted, a proxy dropped
 * an idle connection), and finding that out half-way through a request would fail the
 * request: so a waiting handle is asked a cheap question before it is lent (sc_registry_ping:
 * one round trip, against the connection's and the schema check's several) and replaced by a
 * new one if it cannot answer. A handle is kept only when
 * its request ended well or with an answer about the request's data, and sc_registry_settle
 * says it holds no transaction, snapshot, lease or reservation: the next request gets a handle
 * that behaves like a new one, only without the connection's cost. */
#include "service/http_internal.h"

#include <stdlib.h>

struct sc_http_registry_pool {
  pthread_mutex_t lock;
  const sc_home *home;
  size_t idle_max, idle_count;
  sc_registry **idle; /* a stack: the most recently used is lent first (its connection is warm) */
};

sc_http_registry_pool *sc_http_registry_pool_new(const sc_home *home, size_t idle_max) {
  sc_http_registry_pool *pool = calloc(1, sizeof *pool);
  if (pool && !(pool->idle = calloc(idle_max ? idle_max : 1, sizeof *pool->idle))) {
    free(pool);
    return NULL;
  }
  if (pool) {
    pthread_mutex_init(&pool->lock, NULL);
    pool->home = home;
    pool->idle_max = idle_max;
  }
  return pool;
}

void sc_http_registry_pool_free(sc_http_registry_pool *pool) {
  if (!pool)
    return;
  for (size_t i = 0; i < pool->idle_count; i++)
    sc_registry_close(pool->idle[i]);
  pthread_mutex_destroy(&pool->lock);
  free(pool->idle);
  free(pool);
}

size_t sc_http_registry_pool_idle(sc_http_registry_pool *pool) {
  pthread_mutex_lock(&pool->lock);
  size_t n = pool->idle_count;
  pthread_mutex_unlock(&pool->lock);
  return n;
}

/* The most recently returned handle, or NULL. */
static sc_registry *pop(sc_http_registry_pool *pool) {
  sc_registry *reg = NULL;
  pthread_mutex_lock(&pool->lock);
  if (pool->idle_count)
    reg = pool->idle[--pool->idle_count];
  pthread_mutex_unlock(&pool->lock);
  return reg;
}

int http_registry_take(sc_http_registry_pool *pool, const sc_home *home, sc_registry **reg,
                       sc_error *err) {
  *reg = NULL;
  if (!pool)
    return sc_registry_open(home, reg, err);
  for (sc_registry *waiting = pop(pool); waiting; waiting = pop(pool)) {
    sc_error ignored = {0};
    if (sc_registry_ping(waiting, &ignored) == SC_OK) {
      *reg = waiting;
      return SC_OK;
    }
    sc_registry_close(waiting); /* lost its connection while it waited */
  }
  return sc_registry_open(pool->home, reg, err);
}

/* Answers about the request's data, which leave the connection as sound as it was; after
 * anything else (the database's own trouble) the handle is not trusted again. */
static bool handle_sound_after(int rc) {
  return rc == SC_OK || rc == SC_ENOINPUT || rc == SC_EDATA || rc == SC_EUSAGE;
}

void http_registry_give(sc_http_registry_pool *pool, sc_registry *reg, int rc) {
  if (!reg)
    return;
  if (!pool || !handle_sound_after(rc) || !sc_registry_settle(reg)) {
    sc_registry_close(reg);
    return;
  }
  pthread_mutex_lock(&pool->lock);
  bool kept = pool->idle_count < pool->idle_max;
  if (kept)
    pool->idle[pool->idle_count++] = reg;
  pthread_mutex_unlock(&pool->lock);
  if (!kept)
    sc_registry_close(reg);
}
