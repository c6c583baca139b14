/* Files written as a group: all visible whole after the commit, none after an abort or a
 * failure, and never a temporary file left behind. The tests run twice: with unnamed files
 * (O_TMPFILE, what a Linux filesystem gives) and with temporary names (the fallback, forced by
 * SKILLCERT_TEST_NO_O_TMPFILE=1). */
#include "test_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static int make_dir(void **state) {
  (void)state;
  return make_temp_dir(dir, "group") ? 0 : -1;
}

static int remove_dir(void **state) {
  (void)state;
  return remove_temp_dir(dir);
}

/* Set for the second run: staged files have temporary names. */
static bool named;

/* Directory entries that n staged files hold before the commit. */
static size_t temporaries(size_t n) {
  return named ? n : 0;
}

static size_t entries(void) {
  size_t n = 0;
  DIR *d = opendir(dir);
  struct dirent *entry;
  while (d && (entry = readdir(d)))
    n += entry->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

static void path_of(const char *name, char out[PATH_MAX]) {
  if (sc_path_format(out, PATH_MAX, SC_ECANTCREAT, NULL, "%s/%s", dir, name) != SC_OK)
    fail_msg("path too long: %s/%s", dir, name);
}

static void expect_file(const char *name, const char *content, unsigned mode) {
  char path[PATH_MAX];
  path_of(name, path);
  sc_buf got = {0};
  sc_error err = {0};
  assert_int_equal(sc_read_file(path, 1 << 20, &got, &err), SC_OK);
  assert_string_equal((const char *)got.data, content);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, mode);
  sc_buf_free(&got);
}

static void add(sc_file_group *g, const char *name, const char *content) {
  char path[PATH_MAX];
  path_of(name, path);
  sc_error err = {0};
  assert_int_equal(sc_file_group_add(g, path, content, strlen(content), 0644, &err), SC_OK);
}

static void commit_shows_every_file_whole_and_leaves_no_temporary(void **state) {
  (void)state;
  sc_file_group g = {0};
  char name[32], content[32];
  for (int i = 0; i < 40; i++) { /* past the group's first growth */
    snprintf(name, sizeof name, "f%02d.json", i);
    snprintf(content, sizeof content, "{\"n\": %d}", i);
    add(&g, name, content);
    assert_int_equal(entries(), temporaries((size_t)i + 1)); /* unnamed, or a temporary name */
  }
  char path[PATH_MAX];
  path_of("f00.json", path);
  assert_int_not_equal(access(path, F_OK), 0); /* nothing visible before the commit */
  sc_error err = {0};
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  assert_int_equal(g.count, 0);
  assert_int_equal(entries(), 40);
  expect_file("f00.json", "{\"n\": 0}", 0644);
  expect_file("f39.json", "{\"n\": 39}", 0644);
}

/* A batch's chunks, committed one after another: each commit names its files at once and
 * leaves only the durability of those names for later; the next commit's sync of its data
 * covers them (its folders are then forgotten, and its own noted), a plain commit or
 * sc_file_group_sync_names syncs them. */
static void commit_names_later_names_every_file_and_leaves_its_folders_pending(void **state) {
  (void)state;
  char sub[PATH_MAX];
  path_of("c", sub);
  assert_int_equal(mkdir(sub, 0755), 0);
  sc_file_group g = {0};
  sc_error err = {0};
  char name[32];
  for (int i = 0; i < 10; i++) {
    snprintf(name, sizeof name, i % 2 ? "c/f%02d.json" : "f%02d.json", i);
    add(&g, name, "first");
  }
  assert_false(sc_file_group_names_pending(&g));
  assert_int_equal(sc_file_group_commit_names_later(&g, &err), SC_OK);
  assert_int_equal(g.count, 0);
  expect_file("f00.json", "first", 0644);
  expect_file("c/f01.json", "first", 0644);
  assert_true(sc_file_group_names_pending(&g));
  assert_int_equal(g.unsynced_count, 2); /* each folder once */
  /* The next chunk, in one folder: the first chunk's folders are settled, its own noted. */
  for (int i = 10; i < 20; i++) {
    snprintf(name, sizeof name, "f%02d.json", i);
    add(&g, name, "second");
  }
  assert_int_equal(sc_file_group_commit_names_later(&g, &err), SC_OK);
  expect_file("f19.json", "second", 0644);
  assert_int_equal(g.unsynced_count, 1);
  assert_string_equal(g.unsynced[0], dir);
  sc_file_group_sync_names(&g);
  assert_false(sc_file_group_names_pending(&g));
  /* A plain commit leaves nothing pending, and settles what was. */
  add(&g, "f20.json", "third");
  assert_int_equal(sc_file_group_commit_names_later(&g, &err), SC_OK);
  assert_true(sc_file_group_names_pending(&g));
  add(&g, "f21.json", "fourth");
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  assert_false(sc_file_group_names_pending(&g));
  expect_file("f21.json", "fourth", 0644);
}

static void commit_replaces_an_existing_file(void **state) {
  (void)state;
  sc_file_group g = {0};
  sc_error err = {0};
  add(&g, "same.pdf", "old");
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  add(&g, "same.pdf", "new");
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  expect_file("same.pdf", "new", 0644);
  assert_int_equal(entries(), 1);
}

static void abort_removes_what_was_staged(void **state) {
  (void)state;
  sc_file_group g = {0};
  add(&g, "a.json", "a");
  add(&g, "a.pdf", "b");
  assert_int_equal(entries(), temporaries(2));
  sc_file_group_abort(&g);
  assert_int_equal(entries(), 0);
  assert_int_equal(g.count, 0);
}

static void a_file_that_cannot_be_created_is_named_and_the_group_stays_usable(void **state) {
  (void)state;
  sc_file_group g = {0};
  add(&g, "kept.json", "kept");
  char path[PATH_MAX];
  path_of("no-such-folder/x.pdf", path);
  sc_error err = {0};
  assert_int_equal(sc_file_group_add(&g, path, "x", 1, 0644, &err), SC_ECANTCREAT);
  assert_non_null(strstr(err.message, "no-such-folder/x.pdf"));
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  expect_file("kept.json", "kept", 0644);
  assert_int_equal(entries(), 1);
}

/* public/c/<uuid>.json beside out/<uuid>.json: one file under two names, each whole, no
 * temporary left, and an abort removes both temporaries. */
static void add_same_stages_a_second_name_for_the_same_bytes(void **state) {
  (void)state;
  sc_file_group g = {0};
  sc_error err = {0};
  char path[PATH_MAX];
  add(&g, "cred.json", "{\"signed\": true}");
  path_of("copy.json", path);
  assert_int_equal(sc_file_group_add_same(&g, path, "{\"signed\": true}", 16, 0644, &err), SC_OK);
  assert_int_equal(entries(), temporaries(1) + 1); /* the copy's link, under a temporary name */
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  expect_file("cred.json", "{\"signed\": true}", 0644);
  expect_file("copy.json", "{\"signed\": true}", 0644);
  struct stat a, b;
  char first[PATH_MAX];
  path_of("cred.json", first);
  assert_int_equal(stat(first, &a), 0);
  assert_int_equal(stat(path, &b), 0);
  assert_true(a.st_ino == b.st_ino); /* a hard link: no second file to create and sync */
  assert_int_equal(entries(), 2);

  add(&g, "gone.json", "x");
  path_of("gone-copy.json", path);
  assert_int_equal(sc_file_group_add_same(&g, path, "x", 1, 0644, &err), SC_OK);
  sc_file_group_abort(&g);
  assert_int_equal(entries(), 2);
}

/* out/ and public/c may be two mounts: a credential's second name is then a copy on the other
 * filesystem, and the commit's data sync must cover that filesystem too, not only the first
 * file's. /dev/shm (tmpfs) serves as the other mount; skipped where it is the same one. */
static void a_group_over_two_filesystems_syncs_each(void **state) {
  (void)state;
  char other[] = "/dev/shm/skillcert-group-XXXXXX";
  struct stat here, there;
  if (stat(dir, &here) != 0 || !mkdtemp(other) || stat(other, &there) != 0 ||
      here.st_dev == there.st_dev) {
    rmdir(other);
    skip();
  }
  sc_file_group g = {0};
  sc_error err = {0};
  char name[32], path[PATH_MAX];
  for (int i = 0; i < 8; i++) { /* a group large enough for syncfs */
    snprintf(name, sizeof name, "c%d.json", i);
    add(&g, name, "{\"signed\": true}");
    snprintf(path, sizeof path, "%s/%s", other, name);
    assert_int_equal(sc_file_group_add_same(&g, path, "{\"signed\": true}", 16, 0644, &err),
                     SC_OK);
  }
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  assert_int_equal(g.synced_count, 2);
  assert_true(g.synced_device[0] != g.synced_device[1]);
  for (int i = 0; i < 8; i++) {
    snprintf(path, sizeof path, "%s/c%d.json", other, i);
    assert_int_equal(unlink(path), 0);
  }
  assert_int_equal(rmdir(other), 0);
}

/* A registry log that cannot be synced (here a pipe: fdatasync refuses it) fails the commit
 * before any file is named, with the log's name in the message; a log that can be is synced
 * with the group and its files named. */
static void a_group_names_nothing_when_the_log_it_syncs_also_cannot_be_synced(void **state) {
  (void)state;
  int pipe_fds[2];
  assert_int_equal(pipe(pipe_fds), 0);
  sc_file_group g = {0};
  sc_error err = {0};
  sc_file_group_sync_also(&g, pipe_fds[0], "home/registry.db-wal");
  for (int i = 0; i < 8; i++) {
    char name[32];
    snprintf(name, sizeof name, "c%d.json", i);
    add(&g, name, "{}");
  }
  assert_int_equal(sc_file_group_commit(&g, &err), SC_EIO);
  assert_non_null(strstr(err.message, "home/registry.db-wal: cannot sync"));
  char path[PATH_MAX];
  path_of("c0.json", path);
  assert_int_equal(access(path, F_OK), -1);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  path_of("log", path);
  int log = open(path, O_RDWR | O_CREAT, 0600);
  assert_true(log >= 0);
  assert_int_equal(write(log, "frame", 5), 5);
  sc_file_group_sync_also(&g, log, "log");
  add(&g, "one.json", "{\"one\": 1}");
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  expect_file("one.json", "{\"one\": 1}", 0644);
  close(log);
  assert_int_equal(unlink(path), 0);
}

static ino_t inode_of(const char *name) {
  char path[PATH_MAX];
  path_of(name, path);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  return st.st_ino;
}

/* A batch's chunk: a credential and its public copy, many times. After the first pair has
 * shown that the two folders take hard links, each copy is linked at the commit straight to
 * its final name: no temporary name, no second rename per credential (a directory operation
 * in a folder of 100,000 files each, docs/benchmarks.md). A name already there, as when a
 * re-run rewrites a credential, is replaced. */
static void add_same_links_later_copies_at_the_commit_and_replaces_an_old_one(void **state) {
  (void)state;
  sc_file_group g = {0};
  sc_error err = {0};
  char path[PATH_MAX], name[32], copy[32], content[32];
  path_of("c7.copy", path);
  assert_int_equal(sc_write_file_atomic(path, "stale", 5, 0644, &err), SC_OK);
  for (int i = 0; i < 12; i++) {
    snprintf(name, sizeof name, "c%d.json", i);
    snprintf(copy, sizeof copy, "c%d.copy", i);
    snprintf(content, sizeof content, "{\"n\": %d}", i);
    add(&g, name, content);
    path_of(copy, path);
    assert_int_equal(
        sc_file_group_add_same(&g, path, content, strlen(content), 0644, &err), SC_OK);
  }
  /* The old c7.copy, twelve files staged and one linked temporary: the first pair's. */
  assert_int_equal(entries(), 1 + temporaries(12) + 1);
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  assert_int_equal(entries(), 24);
  for (int i = 0; i < 12; i++) {
    snprintf(name, sizeof name, "c%d.json", i);
    snprintf(copy, sizeof copy, "c%d.copy", i);
    snprintf(content, sizeof content, "{\"n\": %d}", i);
    expect_file(name, content, 0644);
    expect_file(copy, content, 0644);
    assert_true(inode_of(name) == inode_of(copy));
  }
  /* Aborted before the commit, copies staged that way leave nothing. */
  for (int i = 0; i < 3; i++) {
    snprintf(name, sizeof name, "d%d.json", i);
    snprintf(copy, sizeof copy, "d%d.copy", i);
    add(&g, name, "d");
    path_of(copy, path);
    assert_int_equal(sc_file_group_add_same(&g, path, "d", 1, 0644, &err), SC_OK);
  }
  sc_file_group_abort(&g);
  assert_int_equal(entries(), 24);
}

/* The first of a group is a plain file: there is nothing to link to. */
static void add_same_on_an_empty_group_writes_the_file(void **state) {
  (void)state;
  sc_file_group g = {0};
  sc_error err = {0};
  char path[PATH_MAX];
  path_of("alone.json", path);
  assert_int_equal(sc_file_group_add_same(&g, path, "alone", 5, 0644, &err), SC_OK);
  assert_int_equal(sc_file_group_commit(&g, &err), SC_OK);
  expect_file("alone.json", "alone", 0644);
}

static void write_file_atomic_is_a_group_of_one(void **state) {
  (void)state;
  char path[PATH_MAX];
  path_of("one.json", path);
  sc_error err = {0};
  assert_int_equal(sc_write_file_atomic(path, "1", 1, 0600, &err), SC_OK);
  expect_file("one.json", "1", 0600);
  assert_int_equal(entries(), 1);
}

/* ---------------------------------------------------------------- mkdir -p (core/mkdir.c) */

static void assert_mentions(const char *message, const char *part) {
  if (!strstr(message, part))
    fail_msg("\"%s\" does not mention \"%s\"", message, part);
}

static bool is_folder(const char *path, unsigned mode) {
  struct stat st;
  mode_t mask = umask(0);
  umask(mask);
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == (mode & ~mask);
}

static void mkdir_p_makes_every_missing_level_and_keeps_existing_ones(void **state) {
  (void)state;
  char path[PATH_MAX], level[PATH_MAX];
  path_of("a/b/c/", path);
  sc_error err = {0};
  assert_int_equal(sc_mkdir_p(path, 0700, &err), SC_OK);
  path_of("a/b/c", level);
  assert_true(is_folder(level, 0700));
  path_of("a", level);
  assert_true(is_folder(level, 0700));
  assert_int_equal(sc_mkdir_p(path, 0700, &err), SC_OK); /* again: nothing to do */
  path_of("a/b/d/file.json", path);
  assert_int_equal(sc_mkdir_parent(path, 0755, &err), SC_OK);
  path_of("a/b/d", level);
  assert_true(is_folder(level, 0755));
  path_of("a/b/d/file.json", level);
  assert_int_equal(access(level, F_OK), -1); /* the parent only */
}

static void mkdir_p_names_a_file_in_the_way(void **state) {
  (void)state;
  char path[PATH_MAX], file[PATH_MAX];
  path_of("plain", file);
  assert_int_equal(sc_write_file_atomic(file, "x", 1, 0600, NULL), SC_OK);
  path_of("plain/sub", path);
  sc_error err = {0};
  assert_int_equal(sc_mkdir_p(path, 0755, &err), SC_ECANTCREAT);
  assert_mentions(err.message, file);
  assert_mentions(err.message, "it is a file");
  assert_int_equal(sc_mkdir_p(file, 0755, &err), SC_ECANTCREAT);
  assert_mentions(err.message, "it is a file");
}

/* A reason every user meets, root too: a folder name longer than a file system allows. */
static void mkdir_p_reports_why_a_level_cannot_be_made(void **state) {
  (void)state;
  char name[300], path[PATH_MAX];
  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  char relative[PATH_MAX];
  snprintf(relative, sizeof relative, "ok/%s/below", name);
  path_of(relative, path);
  sc_error err = {0};
  assert_int_equal(sc_mkdir_p(path, 0755, &err), SC_ECANTCREAT);
  assert_mentions(err.message, "nnnn: cannot create: File name too long");
  path_of("ok", path);
  assert_true(is_folder(path, 0755)); /* the levels before it were made */
}

/* What the unnamed files give: nothing under any name, not even a temporary one, until the
 * commit names them; a process killed before that leaves nothing to clean up. */
static void staged_files_have_no_name_until_the_commit(void **state) {
  (void)state;
  if (named)
    skip();
  sc_file_group g = {0};
  add(&g, "a.json", "a");
  add(&g, "b.json", "b");
  assert_int_equal(entries(), 0);
  sc_file_group_abort(&g);
  pid_t child = fork();
  if (child == 0) { /* stages a file and is killed before its commit */
    add(&g, "c.json", "c");
    raise(SIGKILL);
  }
  int status = 0;
  assert_int_equal(waitpid(child, &status, 0), child);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  assert_int_equal(entries(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(staged_files_have_no_name_until_the_commit, make_dir,
                                      remove_dir),
      cmocka_unit_test_setup_teardown(commit_shows_every_file_whole_and_leaves_no_temporary,
                                      make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(
          commit_names_later_names_every_file_and_leaves_its_folders_pending, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(commit_replaces_an_existing_file, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(abort_removes_what_was_staged, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(
          a_file_that_cannot_be_created_is_named_and_the_group_stays_usable, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(a_group_over_two_filesystems_syncs_each, make_dir,
                                      remove_dir),
      cmocka_unit_test_setup_teardown(
          a_group_names_nothing_when_the_log_it_syncs_also_cannot_be_synced, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(add_same_stages_a_second_name_for_the_same_bytes, make_dir,
                                      remove_dir),
      cmocka_unit_test_setup_teardown(
          add_same_links_later_copies_at_the_commit_and_replaces_an_old_one, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(add_same_on_an_empty_group_writes_the_file, make_dir,
                                      remove_dir),
      cmocka_unit_test_setup_teardown(write_file_atomic_is_a_group_of_one, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(mkdir_p_makes_every_missing_level_and_keeps_existing_ones,
                                      make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(mkdir_p_names_a_file_in_the_way, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(mkdir_p_reports_why_a_level_cannot_be_made, make_dir,
                                      remove_dir),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  named = true;
  setenv("SKILLCERT_TEST_NO_O_TMPFILE", "1", 1);
  return failed + cmocka_run_group_tests(tests, NULL, NULL);
}
