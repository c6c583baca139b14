/*
 * Passphrase intake: from a file (--passphrase-file, then $SKILLCERT_PASSPHRASE_FILE), else from
 * a no-echo prompt on the controlling terminal. A passphrase file is a secret like the key it
 * unlocks, so one that group or others can reach is refused, as key files are.
 */
#include "keys/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PASSPHRASE_ENV "SKILLCERT_PASSPHRASE_FILE"
/* The longest file accepted: SC_PASSPHRASE_MAX - 1 bytes, then "\r\n". */
#define FILE_MAX (SC_PASSPHRASE_MAX + 1)

void sc_passphrase_wipe(char *passphrase) {
  if (passphrase)
    OPENSSL_cleanse(passphrase, SC_PASSPHRASE_MAX);
}

static int no_source(sc_error *err) {
  return sc_fail(err, SC_EUSAGE,
                 "no passphrase: give --passphrase-file FILE, set " PASSPHRASE_ENV
                 ", or run on a terminal");
}

/* ---------------------------------------------------------------- from a file */

/* A folder, or a regular file that group or others can reach, cannot hold a secret. Pipes
 * (--passphrase-file <(pass show …)) have no meaningful mode and pass. */
static int check_secret_mode(const char *path, const struct stat *st, const char *what,
                             sc_error *err) {
  if (S_ISDIR(st->st_mode))
    return sc_fail(err, SC_ENOINPUT, "%s: is a directory", path);
  if (S_ISREG(st->st_mode) && (st->st_mode & (S_IRWXG | S_IRWXO)))
    return sc_fail(err, SC_EPERM, "%s: %s accessible by others (mode %04o); run chmod 600 %s", path,
                   what, (unsigned)(st->st_mode & 07777), path);
  return SC_OK;
}

/* Reads until the end or until cap bytes are in (the caller tells a file that long is too
 * long). */
static int read_all(int fd, const char *path, char *buf, size_t cap, size_t *len, sc_error *err) {
  *len = 0;
  while (*len < cap) {
    ssize_t n = read(fd, buf + *len, cap - *len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
    if (n == 0)
      break;
    *len += (size_t)n;
  }
  return SC_OK;
}

int sc_secret_file_read(const char *path, const char *what, char *buf, size_t cap, size_t *len,
                        sc_error *err) {
  sc_secrets_protect();
  *len = 0;
  int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
  struct stat st; /* of the opened file, so that nothing can be swapped in between */
  int rc = fstat(fd, &st) == 0 ? check_secret_mode(path, &st, what, err)
                               : sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
  if (rc == SC_OK)
    rc = read_all(fd, path, buf, cap, len, err);
  close(fd);
  return rc;
}

/* Strips one line ending and checks what is left is a usable C string. */
static int accept_contents(const char *path, char *buf, size_t len, char *out, sc_error *err) {
  if (len >= 1 && buf[len - 1] == '\n')
    len -= (len >= 2 && buf[len - 2] == '\r') ? 2 : 1;
  if (len == 0)
    return sc_fail(err, SC_EDATA, "%s: empty passphrase", path);
  if (len > SC_PASSPHRASE_MAX - 1)
    return sc_fail(err, SC_EDATA, "%s: passphrase longer than %d bytes", path,
                   SC_PASSPHRASE_MAX - 1);
  if (memchr(buf, '\0', len))
    return sc_fail(err, SC_EDATA, "%s: passphrase contains a NUL byte", path);
  memcpy(out, buf, len);
  out[len] = '\0';
  return SC_OK;
}

static int read_passphrase_file(const char *path, char *out, sc_error *err) {
  char buf[FILE_MAX + 1]; /* one byte beyond the longest file allowed */
  size_t len = 0;
  int rc = sc_secret_file_read(path, "passphrase file", buf, sizeof buf, &len, err);
  if (rc == SC_OK)
    rc = accept_contents(path, buf, len, out, err);
  OPENSSL_cleanse(buf, sizeof buf);
  return rc;
}

/* ---------------------------------------------------------------- from the terminal */

/* The one piece of global state: a signal handler can only talk to the code it interrupted
 * through a static flag. It lets the prompt restore echo before the signal takes effect. */
static volatile sig_atomic_t caught_signal;

static void note_signal(int signo) {
  caught_signal = signo;
}

static const int ending_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define ENDING_SIGNALS (sizeof ending_signals / sizeof ending_signals[0])

typedef struct prompt_guard {
  struct termios saved;
  struct sigaction old_actions[ENDING_SIGNALS];
  sigset_t old_mask;
  sigset_t wait_mask; /* while waiting for a key: ending signals open, stop signals held */
} prompt_guard;

/* Echo off. The ending signals stay blocked except while waiting in pselect(), so one that
 * arrives at any moment ends the wait (rather than killing us with echo off, or being noted
 * just before a read() that then blocks); stop signals wait until the terminal is restored. */
static int guard_begin(int fd, prompt_guard *guard) {
  if (tcgetattr(fd, &guard->saved) != 0)
    return -1;
  caught_signal = 0;
  struct sigaction action = {0};
  action.sa_handler = note_signal;
  sigemptyset(&action.sa_mask);
  sigset_t held;
  sigemptyset(&held);
  sigaddset(&held, SIGTSTP);
  sigaddset(&held, SIGTTIN);
  sigaddset(&held, SIGTTOU);
  for (size_t i = 0; i < ENDING_SIGNALS; i++)
    sigaddset(&held, ending_signals[i]);
  sigprocmask(SIG_BLOCK, &held, &guard->old_mask);
  for (size_t i = 0; i < ENDING_SIGNALS; i++)
    sigaction(ending_signals[i], &action, &guard->old_actions[i]);
  guard->wait_mask = guard->old_mask;
  sigaddset(&guard->wait_mask, SIGTSTP);
  sigaddset(&guard->wait_mask, SIGTTIN);
  sigaddset(&guard->wait_mask, SIGTTOU);
  for (size_t i = 0; i < ENDING_SIGNALS; i++)
    sigdelset(&guard->wait_mask, ending_signals[i]);
  struct termios quiet = guard->saved;
  quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
  quiet.c_lflag |= ICANON;
  tcsetattr(fd, TCSAFLUSH, &quiet);
  return 0;
}

/* Restores the terminal, then delivers any signal that arrived while prompting. */
static void guard_end(int fd, prompt_guard *guard) {
  tcsetattr(fd, TCSAFLUSH, &guard->saved);
  for (size_t i = 0; i < ENDING_SIGNALS; i++)
    sigaction(ending_signals[i], &guard->old_actions[i], NULL);
  sigprocmask(SIG_SETMASK, &guard->old_mask, NULL);
  if (caught_signal)
    raise(caught_signal);
}

/* Waits until fd has input; false when a signal ended the wait or it failed. */
static bool wait_for_input(int fd, const prompt_guard *guard) {
  for (;;) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    int n = pselect(fd + 1, &readable, NULL, NULL, NULL, &guard->wait_mask);
    if (n > 0)
      return true;
    if (n < 0 && errno == EINTR && !caught_signal)
      continue;
    return false;
  }
}

static void say(int fd, const char *text) {
  size_t len = strlen(text);
  while (len) {
    ssize_t n = write(fd, text, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    text += n;
    len -= (size_t)n;
  }
}

/* Reads one line into out; a line too long is read to its end and refused. */
static int read_line(int fd, const prompt_guard *guard, char *out, sc_error *err) {
  size_t len = 0;
  bool too_long = false;
  for (;;) {
    char c;
    ssize_t n = wait_for_input(fd, guard) ? read(fd, &c, 1) : -1;
    if (n < 0 && errno == EINTR && !caught_signal)
      continue;
    if (n < 0)
      return sc_fail(err, SC_EUSAGE,
                     caught_signal ? "passphrase prompt interrupted"
                                   : "cannot read the passphrase");
    if (n == 0 || c == '\n')
      break;
    if (len < SC_PASSPHRASE_MAX - 1)
      out[len++] = c;
    else
      too_long = true;
  }
  out[len] = '\0';
  if (too_long)
    return sc_fail(err, SC_EUSAGE, "passphrase longer than %d bytes", SC_PASSPHRASE_MAX - 1);
  if (len == 0)
    return sc_fail(err, SC_EUSAGE, "empty passphrase");
  return SC_OK;
}

static int ask(int fd, const char *prompt, char *out, sc_error *err) {
  prompt_guard guard;
  if (guard_begin(fd, &guard) != 0)
    return no_source(err);
  say(fd, prompt);
  int rc = read_line(fd, &guard, out, err);
  say(fd, "\n"); /* the user's Enter was not echoed */
  guard_end(fd, &guard);
  return rc;
}

static int prompt_terminal(bool confirm, char *out, sc_error *err) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return no_source(err);
  int rc = ask(fd, confirm ? "New passphrase: " : "Passphrase: ", out, err);
  if (rc == SC_OK && confirm) {
    char again[SC_PASSPHRASE_MAX];
    rc = ask(fd, "Repeat the passphrase: ", again, err);
    if (rc == SC_OK && strcmp(out, again) != 0)
      rc = sc_fail(err, SC_EUSAGE, "the two passphrases differ");
    OPENSSL_cleanse(again, sizeof again);
  }
  close(fd);
  return rc;
}

/* ---------------------------------------------------------------- the order of sources */

int sc_passphrase_read(const sc_passphrase_source *src, bool confirm,
                       char out[SC_AT_LEAST(SC_PASSPHRASE_MAX)], sc_error *err) {
  sc_secrets_protect();
  out[0] = '\0';
  int rc;
  const char *env = getenv(PASSPHRASE_ENV);
  if (src && src->none) {
    rc = sc_fail(err, SC_EUSAGE, "a passphrase is needed, but --no-passphrase was given");
  } else if (src && src->file) {
    rc = read_passphrase_file(src->file, out, err);
  } else if (env && *env) {
    rc = read_passphrase_file(env, out, err);
    if (rc != SC_OK)
      sc_error_prefix(err, PASSPHRASE_ENV);
  } else {
    rc = prompt_terminal(confirm, out, err);
  }
  if (rc != SC_OK)
    sc_passphrase_wipe(out);
  return rc;
}
