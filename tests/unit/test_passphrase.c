/* Passphrase intake: files, the environment variable, and the no-echo terminal prompt (driven
 * through a pseudo-terminal in a child process). */
#define _XOPEN_SOURCE 700 /* posix_openpt and friends */
#include "test_support.h"

#include "keys/keys.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define ENV "SKILLCERT_PASSPHRASE_FILE"

typedef struct fixture {
  char dir[64];
  char path[128]; /* a scratch passphrase file */
} fixture;

static void write_bytes(const char *path, const char *data, size_t len, mode_t mode) {
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, len), (ssize_t)len);
  close(fd);
  assert_int_equal(chmod(path, mode), 0);
}

static void write_text(const char *path, const char *text, mode_t mode) {
  write_bytes(path, text, strlen(text), mode);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (!make_temp_dir(f->dir, "pass"))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/pass.txt", f->dir);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  remove_temp_dir(f->dir);
  free(f);
  return 0;
}

/* Each test starts without the variable, whatever the environment of the run. */
static int unset_env(void **state) {
  (void)state;
  return unsetenv(ENV);
}

static int read_from_file(const char *path, char *out, sc_error *err) {
  sc_passphrase_source src = {.file = path};
  return sc_passphrase_read(&src, false, out, err);
}

static void file_trailing_newline_is_stripped(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  write_text(f->path, "correct horse\n", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_OK);
  assert_string_equal(out, "correct horse");
  write_text(f->path, "correct horse\r\n", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_OK);
  assert_string_equal(out, "correct horse");
  write_text(f->path, "no newline", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_OK);
  assert_string_equal(out, "no newline");
}

static void only_one_line_ending_is_stripped(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  write_text(f->path, " spaced \n\n", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_OK);
  assert_string_equal(out, " spaced \n");
}

static void empty_passphrase_file_is_refused(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  write_text(f->path, "", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "empty passphrase"));
  write_text(f->path, "\n", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EDATA);
  write_text(f->path, "\r\n", 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EDATA);
}

static void passphrase_file_readable_by_others_is_refused(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  write_text(f->path, "secret\n", 0644);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EPERM);
  assert_non_null(strstr(err.message, "mode 0644"));
  assert_non_null(strstr(err.message, "chmod 600"));
  assert_null(strstr(err.message, "secret"));
  assert_string_equal(out, "");
  write_text(f->path, "secret\n", 0640);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EPERM);
  write_text(f->path, "secret\n", 0400);
  assert_int_equal(read_from_file(f->path, out, &err), SC_OK);
}

static void longest_passphrase_is_accepted_and_one_more_byte_refused(void **state) {
  fixture *f = *state;
  char text[SC_PASSPHRASE_MAX + 4];
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  memset(text, 'a', sizeof text);
  memcpy(text + SC_PASSPHRASE_MAX - 1, "\r\n", 2);
  write_bytes(f->path, text, SC_PASSPHRASE_MAX + 1, 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_OK);
  assert_int_equal(strlen(out), SC_PASSPHRASE_MAX - 1);
  memset(text, 'a', sizeof text);
  write_bytes(f->path, text, SC_PASSPHRASE_MAX, 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "longer than 1023 bytes"));
  write_bytes(f->path, text, sizeof text, 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EDATA);
}

static void nul_byte_in_passphrase_is_refused(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  write_bytes(f->path, "ab\0cd\n", 6, 0600);
  assert_int_equal(read_from_file(f->path, out, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "NUL"));
}

static void missing_passphrase_file_is_enoinput(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  char path[256];
  snprintf(path, sizeof path, "%s/none.txt", f->dir);
  sc_error err = {0};
  assert_int_equal(read_from_file(path, out, &err), SC_ENOINPUT);
  assert_non_null(strstr(err.message, "none.txt"));
}

static void env_var_used_when_no_file_given(void **state) {
  fixture *f = *state;
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  write_text(f->path, "from the environment\n", 0600);
  assert_int_equal(setenv(ENV, f->path, 1), 0);
  sc_passphrase_source src = {0};
  assert_int_equal(sc_passphrase_read(&src, true, out, &err), SC_OK);
  assert_string_equal(out, "from the environment");
  assert_int_equal(sc_passphrase_read(NULL, false, out, &err), SC_OK);
  assert_string_equal(out, "from the environment");
}

static void file_given_wins_over_env_var(void **state) {
  fixture *f = *state;
  char other[256];
  snprintf(other, sizeof other, "%s/other.txt", f->dir);
  write_text(other, "from the flag\n", 0600);
  write_text(f->path, "from the environment\n", 0600);
  assert_int_equal(setenv(ENV, f->path, 1), 0);
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  assert_int_equal(read_from_file(other, out, &err), SC_OK);
  assert_string_equal(out, "from the flag");
}

static void env_var_errors_name_the_variable(void **state) {
  fixture *f = *state;
  write_text(f->path, "secret\n", 0644);
  assert_int_equal(setenv(ENV, f->path, 1), 0);
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  assert_int_equal(sc_passphrase_read(NULL, false, out, &err), SC_EPERM);
  assert_non_null(strstr(err.message, ENV));
}

static void no_passphrase_flag_is_a_usage_error(void **state) {
  (void)state;
  sc_passphrase_source src = {.none = true};
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  assert_int_equal(sc_passphrase_read(&src, false, out, &err), SC_EUSAGE);
  assert_non_null(strstr(err.message, "--no-passphrase"));
}

static void wipe_clears_the_whole_buffer(void **state) {
  (void)state;
  char out[SC_PASSPHRASE_MAX];
  memset(out, 'x', sizeof out);
  sc_passphrase_wipe(out);
  for (size_t i = 0; i < sizeof out; i++)
    assert_int_equal(out[i], 0);
  sc_passphrase_wipe(NULL);
}

/* ---------------------------------------------------------------- without and with a terminal */

static void no_terminal_and_no_file_is_a_usage_error(void **state) {
  (void)state;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    setsid(); /* a new session has no controlling terminal, so /dev/tty cannot open */
    char out[SC_PASSPHRASE_MAX];
    sc_error err = {0};
    int rc = sc_passphrase_read(NULL, false, out, &err);
    _exit(rc == SC_EUSAGE && strstr(err.message, "--passphrase-file FILE") ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

typedef struct terminal_session {
  int master;
  pid_t child;
  int result_pipe; /* the passphrase the child read */
  char transcript[4096];
  size_t transcript_len;
} terminal_session;

/* A SIGINT handler of the program's own: reports whether echo was back on when it ran. */
static void exit_with_echo_state(int signo) {
  (void)signo;
  struct termios now;
  int tty = open("/dev/tty", O_RDONLY | O_NOCTTY);
  _exit(tty >= 0 && tcgetattr(tty, &now) == 0 && (now.c_lflag & ECHO) ? 42 : 43);
}

/* The child calls the prompt on a pseudo-terminal it has made its controlling terminal; it
 * exits with the sc_code, or 101 when echo was not restored afterwards. */
static void run_child(const char *slave_name, bool confirm, bool own_handler, int result_fd) {
  alarm(10); /* a prompt that never returns fails the test instead of hanging it */
  setsid();
  if (own_handler)
    signal(SIGINT, exit_with_echo_state);
  int tty = open(slave_name, O_RDWR); /* the first terminal a session leader opens is its own */
  if (tty < 0)
    _exit(100);
  char out[SC_PASSPHRASE_MAX];
  sc_error err = {0};
  int rc = sc_passphrase_read(NULL, confirm, out, &err);
  if (rc == SC_OK && write(result_fd, out, strlen(out)) < 0)
    _exit(102);
  struct termios now;
  if (tcgetattr(tty, &now) != 0 || !(now.c_lflag & ECHO))
    _exit(101);
  _exit(rc);
}

static void start_session(terminal_session *s, bool confirm, bool own_handler) {
  memset(s, 0, sizeof *s);
  s->master = posix_openpt(O_RDWR | O_NOCTTY);
  assert_true(s->master >= 0);
  assert_int_equal(grantpt(s->master), 0);
  assert_int_equal(unlockpt(s->master), 0);
  char slave_name[256];
  snprintf(slave_name, sizeof slave_name, "%s", ptsname(s->master));
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  s->child = fork();
  assert_true(s->child >= 0);
  if (s->child == 0) {
    close(fds[0]);
    close(s->master);
    run_child(slave_name, confirm, own_handler, fds[1]);
  }
  close(fds[1]);
  s->result_pipe = fds[0];
}

/* Reads what the child wrote to the terminal until it contains `prompts` prompts (": "). */
static bool wait_for_prompts(terminal_session *s, int prompts) {
  for (;;) {
    int seen = 0;
    for (const char *p = s->transcript; (p = strstr(p, ": ")); p += 2)
      seen++;
    if (seen >= prompts)
      return true;
    struct pollfd pfd = {.fd = s->master, .events = POLLIN};
    if (poll(&pfd, 1, 5000) <= 0)
      return false;
    ssize_t n = read(s->master, s->transcript + s->transcript_len,
                     sizeof s->transcript - 1 - s->transcript_len);
    if (n <= 0)
      return false;
    s->transcript_len += (size_t)n;
    s->transcript[s->transcript_len] = '\0';
  }
}

static void type_line(terminal_session *s, const char *line) {
  assert_int_equal(write(s->master, line, strlen(line)), (ssize_t)strlen(line));
  assert_int_equal(write(s->master, "\n", 1), 1);
}

/* Collects the child's output and exit; returns its wait status. */
static int finish_session(terminal_session *s, char *result, size_t size) {
  struct pollfd pfd = {.fd = s->master, .events = POLLIN};
  while (poll(&pfd, 1, 2000) > 0 && s->transcript_len < sizeof s->transcript - 1) {
    ssize_t n = read(s->master, s->transcript + s->transcript_len,
                     sizeof s->transcript - 1 - s->transcript_len);
    if (n <= 0)
      break; /* EIO once the child closed the terminal */
    s->transcript_len += (size_t)n;
    s->transcript[s->transcript_len] = '\0';
  }
  int status = 0;
  waitpid(s->child, &status, 0);
  ssize_t n = read(s->result_pipe, result, size - 1);
  result[n > 0 ? n : 0] = '\0';
  close(s->result_pipe);
  close(s->master);
  return status;
}

static void abort_session(terminal_session *s) {
  kill(s->child, SIGKILL);
  char ignored[8];
  finish_session(s, ignored, sizeof ignored);
  fail_msg("the prompt did not appear; transcript: %s", s->transcript);
}

static void terminal_prompt_reads_without_echo(void **state) {
  (void)state;
  terminal_session s;
  start_session(&s, false, false);
  if (!wait_for_prompts(&s, 1))
    abort_session(&s);
  type_line(&s, "typed secret");
  char result[SC_PASSPHRASE_MAX];
  int status = finish_session(&s, result, sizeof result);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), SC_OK);
  assert_string_equal(result, "typed secret");
  assert_non_null(strstr(s.transcript, "Passphrase: "));
  assert_null(strstr(s.transcript, "typed secret"));
}

static void terminal_confirmation_must_match(void **state) {
  (void)state;
  terminal_session s;
  start_session(&s, true, false);
  if (!wait_for_prompts(&s, 1))
    abort_session(&s);
  type_line(&s, "first try");
  if (!wait_for_prompts(&s, 2))
    abort_session(&s);
  type_line(&s, "second try");
  char result[SC_PASSPHRASE_MAX];
  int status = finish_session(&s, result, sizeof result);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), SC_EUSAGE);
  assert_string_equal(result, "");

  start_session(&s, true, false);
  if (!wait_for_prompts(&s, 1))
    abort_session(&s);
  type_line(&s, "same twice");
  if (!wait_for_prompts(&s, 2))
    abort_session(&s);
  type_line(&s, "same twice");
  status = finish_session(&s, result, sizeof result);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), SC_OK);
  assert_string_equal(result, "same twice");
}

static void interrupted_prompt_still_dies_of_the_signal(void **state) {
  (void)state;
  terminal_session s;
  start_session(&s, false, false);
  if (!wait_for_prompts(&s, 1))
    abort_session(&s);
  assert_int_equal(kill(s.child, SIGINT), 0);
  char result[SC_PASSPHRASE_MAX];
  int status = finish_session(&s, result, sizeof result);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGINT);
}

static void interrupted_prompt_restores_echo_and_the_programs_handler(void **state) {
  (void)state;
  terminal_session s;
  start_session(&s, false, true);
  if (!wait_for_prompts(&s, 1))
    abort_session(&s);
  assert_int_equal(kill(s.child, SIGINT), 0);
  char result[SC_PASSPHRASE_MAX];
  int status = finish_session(&s, result, sizeof result);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 42); /* 43: echo was still off */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(file_trailing_newline_is_stripped, unset_env),
      cmocka_unit_test_setup(only_one_line_ending_is_stripped, unset_env),
      cmocka_unit_test_setup(empty_passphrase_file_is_refused, unset_env),
      cmocka_unit_test_setup(passphrase_file_readable_by_others_is_refused, unset_env),
      cmocka_unit_test_setup(longest_passphrase_is_accepted_and_one_more_byte_refused, unset_env),
      cmocka_unit_test_setup(nul_byte_in_passphrase_is_refused, unset_env),
      cmocka_unit_test_setup(missing_passphrase_file_is_enoinput, unset_env),
      cmocka_unit_test_setup(env_var_used_when_no_file_given, unset_env),
      cmocka_unit_test_setup(file_given_wins_over_env_var, unset_env),
      cmocka_unit_test_setup(env_var_errors_name_the_variable, unset_env),
      cmocka_unit_test_setup(no_passphrase_flag_is_a_usage_error, unset_env),
      cmocka_unit_test_setup(wipe_clears_the_whole_buffer, unset_env),
      cmocka_unit_test_setup(no_terminal_and_no_file_is_a_usage_error, unset_env),
      cmocka_unit_test_setup(terminal_prompt_reads_without_echo, unset_env),
      cmocka_unit_test_setup(terminal_confirmation_must_match, unset_env),
      cmocka_unit_test_setup(interrupted_prompt_still_dies_of_the_signal, unset_env),
      cmocka_unit_test_setup(interrupted_prompt_restores_echo_and_the_programs_handler, unset_env),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
