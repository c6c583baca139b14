/* serve's registry handles kept between requests (service/http_registry_pool.c), on SQLite and
 * on PostgreSQL: a handle given back is lent again and then sees what others wrote meanwhile;
 * one left in a transaction, or after the registry's own error, is closed instead of kept; at
 * most idle_max wait; one whose connection was lost while it waited is replaced, and the
 * request still succeeds. */
#include "test_registry_support.h"

#include "issuer/registry_internal.h"
#include "service/http_internal.h"

static size_t list_count(sc_registry *reg) {
  json_t *lists = NULL;
  sc_error err = {0};
  if (sc_registry_lists(reg, &lists, &err) != SC_OK)
    fail_msg("lists: %s", err.message);
  size_t n = json_array_size(lists);
  json_decref(lists);
  return n;
}

static sc_registry *take(sc_http_registry_pool *pool, fixture *f) {
  sc_registry *reg = NULL;
  sc_error err = {0};
  if (http_registry_take(pool, &f->home, &reg, &err) != SC_OK)
    fail_msg("take: %s", err.message);
  return reg;
}

/* Adds a status list through the fixture's own handle, committed. */
static void add_list(fixture *f) {
  sc_error err = {0};
  int64_t list = 0, index = 0;
  if (sc_registry_begin(f->reg, &err) != SC_OK ||
      sc_registry_reserve_index(f->reg, &list, &index, &err) != SC_OK ||
      sc_registry_commit(f->reg, &err) != SC_OK)
    fail_msg("reserve: %s", err.message);
}

static void a_handle_given_back_is_lent_again_and_sees_later_writes(void **state) {
  fixture *f = *state;
  sc_http_registry_pool *pool = sc_http_registry_pool_new(&f->home, 2);
  sc_registry *first = take(pool, f);
  size_t before = list_count(first);
  http_registry_give(pool, first, SC_OK);
  assert_int_equal(sc_http_registry_pool_idle(pool), 1);
  add_list(f);
  sc_registry *again = take(pool, f);
  assert_ptr_equal(again, first);
  assert_int_equal(sc_http_registry_pool_idle(pool), 0);
  assert_int_equal(list_count(again), before + 1);
  http_registry_give(pool, again, SC_ENOINPUT); /* "not found" leaves the handle sound */
  assert_int_equal(sc_http_registry_pool_idle(pool), 1);
  sc_http_registry_pool_free(pool);
}

static void a_handle_in_a_transaction_or_after_a_registry_error_is_closed(void **state) {
  fixture *f = *state;
  sc_http_registry_pool *pool = sc_http_registry_pool_new(&f->home, 2);
  sc_registry *reg = take(pool, f);
  sc_error err = {0};
  assert_int_equal(sc_registry_begin(reg, &err), SC_OK);
  http_registry_give(pool, reg, SC_OK); /* a path that forgot its COMMIT */
  assert_int_equal(sc_http_registry_pool_idle(pool), 0);
  add_list(f); /* the write lock is free again: the handle was closed, its transaction gone */
  reg = take(pool, f);
  http_registry_give(pool, reg, SC_EIO);
  assert_int_equal(sc_http_registry_pool_idle(pool), 0);
  sc_http_registry_pool_free(pool);
}

static void at_most_idle_max_handles_wait(void **state) {
  fixture *f = *state;
  sc_http_registry_pool *pool = sc_http_registry_pool_new(&f->home, 2);
  sc_registry *a = take(pool, f), *b = take(pool, f), *c = take(pool, f);
  assert_true(a != b && b != c && a != c);
  http_registry_give(pool, a, SC_OK);
  http_registry_give(pool, b, SC_OK);
  http_registry_give(pool, c, SC_OK);
  assert_int_equal(sc_http_registry_pool_idle(pool), 2);
  sc_http_registry_pool_free(pool); /* closes the two (ASan: nothing leaks) */
}

static void without_a_pool_each_request_opens_and_closes_its_own(void **state) {
  fixture *f = *state;
  sc_registry *reg = take(NULL, f);
  assert_non_null(reg);
  assert_int_equal(list_count(reg), list_count(f->reg));
  http_registry_give(NULL, reg, SC_OK);
}

static void a_handle_whose_connection_was_lost_is_replaced(void **state) {
  fixture *f = *state;
  sc_http_registry_pool *pool = sc_http_registry_pool_new(&f->home, 2);
  sc_registry *reg = take(pool, f);
  http_registry_give(pool, reg, SC_OK);
  sc_error err = {0};
  /* The server ends every other session of this database, as a restart would. */
  assert_int_equal(sc_registry_exec(f->reg,
                                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                    " WHERE pid <> pg_backend_pid() AND datname = current_database()",
                                    &err),
                   SC_OK);
  reg = take(pool, f);
  assert_int_equal(sc_http_registry_pool_idle(pool), 0);
  assert_int_equal(list_count(reg), list_count(f->reg)); /* the request succeeds */
  http_registry_give(pool, reg, SC_OK);
  sc_http_registry_pool_free(pool);
}

#define ON_SQLITE(test) cmocka_unit_test_setup_teardown(test, setup, teardown)
#define ON_PG(test) cmocka_unit_test_setup_teardown(test, setup_pg, teardown)

int main(void) {
  const struct CMUnitTest sqlite[] = {
      ON_SQLITE(a_handle_given_back_is_lent_again_and_sees_later_writes),
      ON_SQLITE(a_handle_in_a_transaction_or_after_a_registry_error_is_closed),
      ON_SQLITE(at_most_idle_max_handles_wait),
      ON_SQLITE(without_a_pool_each_request_opens_and_closes_its_own),
  };
  const struct CMUnitTest postgres[] = {
      ON_PG(a_handle_given_back_is_lent_again_and_sees_later_writes),
      ON_PG(a_handle_in_a_transaction_or_after_a_registry_error_is_closed),
      ON_PG(at_most_idle_max_handles_wait),
      ON_PG(a_handle_whose_connection_was_lost_is_replaced),
  };
  int failed = cmocka_run_group_tests_name("registry pool (SQLite)", sqlite, NULL, NULL);
  return failed + cmocka_run_group_tests_name("registry pool (PostgreSQL)", postgres,
                                              start_postgres, stop_postgres);
}
