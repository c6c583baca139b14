/* Status-list indexes: drawn at random (so an index says nothing about issue order or batch
 * size, as Bitstring Status List §6 advises), unique within their list, never reused. */
#include "issuer/registry_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOMBSTONE UINT64_MAX
#define RANDOM_TRIES 32
/* Draws from one list by one handle before that list's taken slots are read in one query, and
 * kept, instead of one query per draw: a batch reads them once, a single issue never. */
#define TAKEN_MAP_AFTER 64

static uint64_t slot_key(int64_t list, int64_t index) {
  return ((uint64_t)list << 32 | (uint64_t)index) + 1;
}

static size_t slot_of(const sc_index_set *set, uint64_t key) {
  return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (set->cap - 1);
}

/* Rebuilds the table sized for its live entries: most of count is tombstones left by inserts,
 * so sizing by count would double the table with every rebuild and a batch's memory would
 * grow with its row count. */
static bool set_grow(sc_index_set *set) {
  size_t live = 0;
  for (size_t i = 0; i < set->cap; i++)
    live += set->slots[i] && set->slots[i] != TOMBSTONE;
  size_t cap = 64;
  while ((live + 1) * 4 > cap)
    cap *= 2;
  uint64_t *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return false;
  sc_index_set bigger = {slots, cap, 0};
  for (size_t i = 0; i < set->cap; i++) {
    uint64_t key = set->slots[i];
    if (key && key != TOMBSTONE) {
      size_t at = slot_of(&bigger, key);
      while (slots[at])
        at = (at + 1) & (cap - 1);
      slots[at] = key;
      bigger.count++;
    }
  }
  free(set->slots);
  *set = bigger;
  return true;
}

static bool set_contains(const sc_index_set *set, int64_t list, int64_t index) {
  if (!set->cap)
    return false;
  uint64_t key = slot_key(list, index);
  for (size_t at = slot_of(set, key); set->slots[at]; at = (at + 1) & (set->cap - 1)) {
    if (set->slots[at] == key)
      return true;
  }
  return false;
}

/* count includes tombstones, so the table is rebuilt before probes get long. */
static bool set_add(sc_index_set *set, int64_t list, int64_t index) {
  if ((set->count + 1) * 2 > set->cap && !set_grow(set))
    return false;
  uint64_t key = slot_key(list, index);
  size_t at = slot_of(set, key);
  while (set->slots[at] && set->slots[at] != TOMBSTONE)
    at = (at + 1) & (set->cap - 1);
  if (!set->slots[at])
    set->count++;
  set->slots[at] = key;
  return true;
}

bool sc_index_set_remove(sc_index_set *set, int64_t list, int64_t index) {
  if (!set->cap)
    return false;
  uint64_t key = slot_key(list, index);
  for (size_t at = slot_of(set, key); set->slots[at]; at = (at + 1) & (set->cap - 1)) {
    if (set->slots[at] == key) {
      set->slots[at] = TOMBSTONE;
      return true;
    }
  }
  return false;
}

static size_t reserved_in(const sc_index_set *set, int64_t list) {
  size_t n = 0;
  for (size_t i = 0; i < set->cap; i++) {
    uint64_t key = set->slots[i];
    if (key && key != TOMBSTONE && (int64_t)((key - 1) >> 32) == list)
      n++;
  }
  return n;
}

static int query_int(sc_registry *reg, enum sc_registry_stmt which, const char *sql, int64_t arg,
                     int64_t *out, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, which, sql, err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, arg);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "status lists", &row, err);
  *out = row && reg->driver->column_type(stmt, 0) != SC_SQL_NULL
             ? reg->driver->column_int64(stmt, 0)
             : 0;
  reg->driver->reset(stmt);
  return rc;
}

static int create_list(sc_registry *reg, sc_error *err) {
  char now[21];
  sc_time_format((int64_t)time(NULL), now);
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_NEW_LIST,
      "INSERT INTO status_lists (size, created_at) VALUES ($1, $2) RETURNING id", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, SC_STATUS_LIST_SIZE);
  reg->driver->bind_text(stmt, 2, now);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "starting a status list", &row, err);
  if (rc == SC_OK && !row)
    rc = sc_fail(err, SC_ESOFTWARE, "%s: starting a status list: no id", reg->path);
  if (rc == SC_OK) {
    reg->current_list = reg->driver->column_int64(stmt, 0);
    reg->current_used = 0;
  }
  reg->driver->reset(stmt);
  return rc;
}

/* A new list; with leasing, held by this handle (and the one it held before let go). Another
 * process may lease a list it has just seen appear: then another new one. */
static int new_list(sc_registry *reg, sc_error *err) {
  const sc_registry_driver *d = reg->driver;
  if (d->release_list && reg->current_list)
    d->release_list(reg, reg->current_list);
  for (int attempt = 0; attempt < 100; attempt++) {
    int rc = create_list(reg, err);
    bool leased = true;
    if (rc == SC_OK && d->lease_list)
      rc = d->lease_list(reg, reg->current_list, &leased, err);
    if (rc != SC_OK || leased)
      return rc;
  }
  return sc_fail(err, SC_EIO, "%s: could not lease a status list", reg->path);
}

/* With leasing: the oldest list with room that no other process holds, or a new one. Leases
 * keep the number of lists in use at the number of processes issuing, and a list a stopped
 * process was filling is taken up again. */
static int find_leased_list(sc_registry *reg, sc_error *err) {
  const sc_registry_driver *d = reg->driver;
  sc_sql_stmt *stmt = d->prepare(
      reg,
      "SELECT s.id, (SELECT count(*) FROM credentials c WHERE c.status_list = s.id) AS used"
      " FROM status_lists s ORDER BY s.id",
      err);
  if (!stmt)
    return err->code;
  bool row = false, leased = false;
  int rc = SC_OK;
  while (rc == SC_OK && !leased &&
         (rc = sc_sql_step(reg, stmt, "status lists", &row, err)) == SC_OK && row) {
    int64_t list = d->column_int64(stmt, 0), used = d->column_int64(stmt, 1);
    if (used < SC_STATUS_LIST_SIZE)
      rc = d->lease_list(reg, list, &leased, err);
    if (rc == SC_OK && leased) {
      reg->current_list = list;
      reg->current_used = used + (int64_t)reserved_in(&reg->reserved, list);
    }
  }
  d->finalize(stmt);
  if (rc != SC_OK || leased)
    return rc;
  reg->current_list = 0;
  return new_list(reg, err);
}

/* The newest list, and how full it is, looked up once per handle. The ?1 = ?1 only gives the
 * query the parameter query_int binds. */
static int find_current_list(sc_registry *reg, sc_error *err) {
  if (reg->current_list)
    return SC_OK;
  if (reg->driver->lease_list)
    return find_leased_list(reg, err);
  int rc = query_int(reg, STMT_CURRENT_LIST,
                     "SELECT max(id) FROM status_lists WHERE CAST($1 AS BIGINT) IS NOT NULL", 0,
                     &reg->current_list, err);
  if (rc != SC_OK || !reg->current_list)
    return rc == SC_OK ? new_list(reg, err) : rc;
  int64_t used;
  rc = query_int(reg, STMT_LIST_COUNT, "SELECT count(*) FROM credentials WHERE status_list = $1",
                 reg->current_list, &used, err);
  reg->current_used = used + (int64_t)reserved_in(&reg->reserved, reg->current_list);
  return rc;
}

static bool map_has(const uint8_t *map, int64_t i) {
  return map[i / 8] >> (i % 8) & 1;
}

static void map_set(uint8_t *map, int64_t i) {
  map[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void map_clear(uint8_t *map, int64_t i) {
  map[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

static void mark_reserved(const sc_index_set *set, int64_t list, uint8_t *map) {
  for (size_t i = 0; i < set->cap; i++) {
    uint64_t key = set->slots[i];
    if (key && key != TOMBSTONE && (int64_t)((key - 1) >> 32) == list)
      map_set(map, (int64_t)((key - 1) & 0xffffffffu));
  }
}

static int is_taken(sc_registry *reg, int64_t list, int64_t index, bool *taken, sc_error *err) {
  if (set_contains(&reg->reserved, list, index)) {
    *taken = true;
    return SC_OK;
  }
  if (reg->taken_map) {
    *taken = map_has(reg->taken_map, index);
    return SC_OK;
  }
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_INDEX_TAKEN,
      "SELECT count(*) FROM credentials WHERE status_list = $1 AND status_index = $2", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, list);
  reg->driver->bind_int64(stmt, 2, index);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "status indexes", &row, err);
  *taken = row && reg->driver->column_int64(stmt, 0) > 0;
  reg->driver->reset(stmt);
  return rc;
}

/* The indexes of list already taken, as a bitmap. */
static int used_indexes(sc_registry *reg, int64_t list, uint8_t *used, sc_error *err) {
  sc_sql_stmt *stmt =
      reg->driver->prepare(reg, "SELECT status_index FROM credentials WHERE status_list = $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, list);
  bool row = false;
  int rc;
  while ((rc = sc_sql_step(reg, stmt, "status indexes", &row, err)) == SC_OK && row) {
    int64_t i = reg->driver->column_int64(stmt, 0);
    if (i >= 0 && i < SC_STATUS_LIST_SIZE)
      map_set(used, i);
  }
  reg->driver->finalize(stmt);
  return rc;
}

void sc_registry_forget_taken(sc_registry *reg) {
  free(reg->taken_map);
  reg->taken_map = NULL;
  reg->taken_map_list = 0;
  reg->draws_in_list = 0;
}

/* The map of list's taken slots once the handle has drawn TAKEN_MAP_AFTER times from it. Only
 * this handle adds to a list it draws from (a leased list; a SQLite home's one issuing process),
 * so the slots read once, with the ones it holds reserved then, plus every slot it draws after
 * (sc_registry_reserve_index), stay the list's taken slots: a row it inserts leaves
 * reg->reserved but stays in the map. */
static int use_taken_map(sc_registry *reg, int64_t list, sc_error *err) {
  if (reg->taken_map_list != list) {
    sc_registry_forget_taken(reg);
    reg->taken_map_list = list;
  }
  if (reg->taken_map || ++reg->draws_in_list < TAKEN_MAP_AFTER)
    return SC_OK;
  uint8_t *map = calloc(SC_STATUS_LIST_SIZE / 8, 1);
  if (!map)
    return sc_oom(err);
  int rc = used_indexes(reg, list, map, err);
  mark_reserved(&reg->reserved, list, map); /* drawn before, not yet inserted */
  if (rc == SC_OK)
    reg->taken_map = map;
  else
    free(map);
  return rc;
}

static bool slot_free(const sc_registry *reg, const uint8_t *used, int64_t list, int64_t i) {
  return !map_has(used, i) && !set_contains(&reg->reserved, list, i);
}

/* When random draws keep hitting taken slots the list is nearly full: pick uniformly among
 * the free ones from a bitmap instead. */
static int pick_free(sc_registry *reg, int64_t list, int64_t *index, sc_error *err) {
  uint8_t *read = reg->taken_map ? NULL : calloc(SC_STATUS_LIST_SIZE / 8, 1);
  if (!reg->taken_map && !read)
    return sc_oom(err);
  const uint8_t *used = reg->taken_map ? reg->taken_map : read;
  int rc = read ? used_indexes(reg, list, read, err) : SC_OK;
  size_t free_count = 0;
  for (int64_t i = 0; i < SC_STATUS_LIST_SIZE; i++)
    free_count += slot_free(reg, used, list, i);
  uint32_t r = 0;
  if (rc == SC_OK && free_count && (rc = sc_random_bytes((uint8_t *)&r, sizeof r, err)) == SC_OK) {
    size_t k = r % free_count;
    for (int64_t i = 0; i < SC_STATUS_LIST_SIZE; i++) {
      if (slot_free(reg, used, list, i) && k-- == 0) {
        *index = i;
        break;
      }
    }
  }
  free(read);
  if (rc == SC_OK && !free_count)
    *index = -1;
  return rc;
}

static int draw_index(sc_registry *reg, int64_t list, int64_t *index, sc_error *err) {
  int map_rc = use_taken_map(reg, list, err);
  if (map_rc != SC_OK)
    return map_rc;
  for (int attempt = 0; attempt < RANDOM_TRIES; attempt++) {
    uint32_t r;
    int rc = sc_random_bytes((uint8_t *)&r, sizeof r, err);
    bool taken = false;
    if (rc == SC_OK)
      rc = is_taken(reg, list, r % SC_STATUS_LIST_SIZE, &taken, err);
    if (rc != SC_OK)
      return rc;
    if (!taken) {
      *index = r % SC_STATUS_LIST_SIZE;
      return SC_OK;
    }
  }
  return pick_free(reg, list, index, err);
}

int sc_registry_reserve_index(sc_registry *reg, int64_t *list, int64_t *index, sc_error *err) {
  int rc = find_current_list(reg, err);
  if (rc == SC_OK && reg->current_used >= SC_STATUS_LIST_SIZE)
    rc = new_list(reg, err);
  if (rc == SC_OK)
    rc = draw_index(reg, reg->current_list, index, err);
  if (rc == SC_OK && *index < 0) { /* full after all (another process filled it) */
    rc = new_list(reg, err);
    if (rc == SC_OK)
      rc = draw_index(reg, reg->current_list, index, err);
  }
  if (rc != SC_OK)
    return rc;
  if (!set_add(&reg->reserved, reg->current_list, *index))
    return sc_oom(err);
  if (reg->taken_map && reg->taken_map_list == reg->current_list)
    map_set(reg->taken_map, *index);
  *list = reg->current_list;
  reg->current_used++;
  return SC_OK;
}

void sc_registry_release_index(sc_registry *reg, int64_t list, int64_t index) {
  /* Never inserted, or rolled back: free again (a slot left marked would only be wasted). */
  if (reg->taken_map && list == reg->taken_map_list && index >= 0 && index < SC_STATUS_LIST_SIZE)
    map_clear(reg->taken_map, index);
  if (sc_index_set_remove(&reg->reserved, list, index) && list == reg->current_list)
    reg->current_used--;
}
