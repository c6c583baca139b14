/* The reader's language: GNU gettext catalogues (po/<lang>.po compiled by msgfmt into
 * <localedir>/<lang>/LC_MESSAGES/skillcert.mo) looked up per call, by a language passed in.
 *
 * Why not dgettext()? Its language comes from the locale: setlocale() is global (one request
 * in Indonesian would switch every thread), and the thread-local uselocale() needs
 * newlocale("id_ID.UTF-8"), which fails unless that locale was generated — a fresh Debian
 * (CI, a container) has only C and C.UTF-8, and glibc ignores $LANGUAGE in the C locale. So the
 * catalogues msgfmt wrote are read here, once (pthread_once), into memory that is never
 * written again: a lookup is a binary search over msgfmt's sorted table, safe from any thread
 * and independent of the process locale. The files, the tools (xgettext, msgmerge, msgfmt)
 * and the workflow stay GNU gettext's (docs/translations.md). */
#include "core/core.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SC_PREFIX
#define SC_PREFIX "/usr/local"
#endif
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

#define MO_MAGIC 0x950412deu
#define MO_MAX_BYTES ((size_t)4 << 20)

/* English is the source language: its words are the msgids, so it has no catalogue. */
const sc_language sc_languages[] = {
    {"en", "English"},
    {"id", "Bahasa Indonesia"},
    {NULL, NULL},
};

typedef struct catalogue {
  unsigned char *data; /* the whole .mo file; NULL when none was found */
  size_t len;
  uint32_t count, originals, translations; /* msgfmt's header */
  bool swapped;                            /* written on a machine of the other byte order */
} catalogue;

static catalogue catalogues[sizeof sc_languages / sizeof sc_languages[0]];
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static uint32_t word_at(const catalogue *c, size_t offset) {
  uint32_t w;
  memcpy(&w, c->data + offset, 4);
  return c->swapped ? __builtin_bswap32(w) : w;
}

/* The string of table entry i (length and offset pairs), or NULL when it lies outside. */
static const char *entry(const catalogue *c, uint32_t table, uint32_t i) {
  size_t at = (size_t)table + (size_t)i * 8;
  if (at + 8 > c->len)
    return NULL;
  uint32_t len = word_at(c, at), offset = word_at(c, at + 4);
  if ((size_t)offset + len >= c->len || c->data[(size_t)offset + len] != '\0')
    return NULL;
  return (const char *)c->data + offset;
}

static bool catalogue_take(catalogue *c, unsigned char *data, size_t len) {
  c->data = data;
  c->len = len;
  if (len < 28)
    return false;
  uint32_t magic;
  memcpy(&magic, data, 4);
  c->swapped = magic == __builtin_bswap32(MO_MAGIC);
  if (magic != MO_MAGIC && !c->swapped)
    return false;
  c->count = word_at(c, 8);
  c->originals = word_at(c, 12);
  c->translations = word_at(c, 16);
  return (size_t)c->count * 8 <= len && c->originals <= len - (size_t)c->count * 8 &&
         c->translations <= len - (size_t)c->count * 8;
}

/* The folder of the running program + "/locale": build/locale for build/skillcert. */
static bool beside_program(char *out, size_t size) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return false;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return false;
  *slash = '\0';
  return (size_t)snprintf(out, size, "%s/locale", exe) < size;
}

static void load_one(catalogue *c, const char *lang) {
  char dirs[3][PATH_MAX] = {{0}};
  const char *env = getenv("SKILLCERT_LOCALEDIR");
  if (env && strlen(env) < PATH_MAX)
    strcpy(dirs[0], env);
  if (!beside_program(dirs[1], sizeof dirs[1]))
    dirs[1][0] = '\0';
  snprintf(dirs[2], sizeof dirs[2], "%s", SC_PREFIX "/share/locale");
  for (size_t i = 0; i < 3; i++) {
    char path[PATH_MAX];
    sc_buf file = {0};
    if (!dirs[i][0] || (size_t)snprintf(path, sizeof path, "%.*s/%s/LC_MESSAGES/skillcert.mo",
                                        PATH_MAX / 2, dirs[i], lang) >= sizeof path)
      continue;
    if (sc_read_file(path, MO_MAX_BYTES, &file, NULL) != SC_OK || file.len == 0) {
      sc_buf_free(&file);
      continue;
    }
    size_t len = file.len;
    unsigned char *data = (unsigned char *)sc_buf_take(&file);
    if (!data)
      continue; /* out of memory: English */
    if (catalogue_take(c, data, len))
      return;
    free(c->data); /* not a catalogue: try the next folder */
    memset(c, 0, sizeof *c);
  }
}

static void load_all(void) {
  for (size_t i = 1; sc_languages[i].tag; i++)
    load_one(&catalogues[i], sc_languages[i].tag);
}

static const catalogue *catalogue_of(const char *lang) {
  pthread_once(&loaded, load_all);
  for (size_t i = 1; lang && sc_languages[i].tag; i++)
    if (strcmp(sc_languages[i].tag, lang) == 0)
      return catalogues[i].data ? &catalogues[i] : NULL;
  return NULL;
}

/* msgfmt sorts the originals by their bytes: a binary search finds key. */
static const char *lookup(const catalogue *c, const char *key) {
  uint32_t low = 0, high = c->count;
  while (low < high) {
    uint32_t mid = low + (high - low) / 2;
    const char *original = entry(c, c->originals, mid);
    if (!original)
      return NULL;
    int cmp = strcmp(key, original);
    if (cmp == 0) {
      const char *translated = entry(c, c->translations, mid);
      return translated && *translated ? translated : NULL;
    }
    if (cmp < 0)
      high = mid;
    else
      low = mid + 1;
  }
  return NULL;
}

const char *sc_tr(const char *lang, const char *msgid) {
  const catalogue *c = msgid && *msgid ? catalogue_of(lang) : NULL;
  const char *found = c ? lookup(c, msgid) : NULL;
  return found ? found : msgid;
}

const char *sc_trc(const char *lang, const char *context, const char *msgid) {
  const catalogue *c = msgid && *msgid ? catalogue_of(lang) : NULL;
  if (!c)
    return msgid;
  char key[256]; /* gettext's key for a msgctxt: context, EOT, msgid */
  if ((size_t)snprintf(key, sizeof key, "%s\004%s", context, msgid) >= sizeof key)
    return msgid;
  const char *found = lookup(c, key);
  return found ? found : msgid;
}

bool sc_lang_has_catalogue(const char *lang) {
  return catalogue_of(lang) != NULL;
}
