/* The words of statuses, status purposes and status changes: the one place where the enums of
 * core.h meet the strings of JSON, SQL and the command line. */
#include "core/core.h"

#include <string.h>

static const char *const purpose_words[] = {
    [SC_PURPOSE_REVOCATION] = "revocation",
    [SC_PURPOSE_SUSPENSION] = "suspension",
};
static const char *const status_words[] = {
    [SC_STATUS_ACTIVE] = "active",
    [SC_STATUS_REVOKED] = "revoked",
    [SC_STATUS_SUSPENDED] = "suspended",
};
static const char *const change_words[] = {
    [SC_CHANGE_REVOKE] = "revoked",
    [SC_CHANGE_SUSPEND] = "suspended",
    [SC_CHANGE_REINSTATE] = "reinstated",
};

#define COUNT(words) (sizeof(words) / sizeof *(words))

/* The index of word in words, or -1 (NULL is no word). */
static int find_word(const char *const *words, size_t count, const char *word) {
  for (size_t i = 0; word && i < count; i++)
    if (strcmp(words[i], word) == 0)
      return (int)i;
  return -1;
}

const char *sc_purpose_word(sc_purpose purpose) {
  return (size_t)purpose < COUNT(purpose_words) ? purpose_words[purpose] : "?";
}

bool sc_purpose_parse(const char *word, sc_purpose *out) {
  int i = find_word(purpose_words, COUNT(purpose_words), word);
  if (i >= 0)
    *out = (sc_purpose)i;
  return i >= 0;
}

const char *sc_status_word(sc_status status) {
  return (size_t)status < COUNT(status_words) ? status_words[status] : "?";
}

bool sc_status_parse(const char *word, sc_status *out) {
  int i = find_word(status_words, COUNT(status_words), word);
  if (i >= 0)
    *out = (sc_status)i;
  return i >= 0;
}

const char *sc_status_change_word(sc_status_change change) {
  return (size_t)change < COUNT(change_words) ? change_words[change] : "?";
}

bool sc_status_change_parse(const char *word, sc_status_change *out) {
  int i = find_word(change_words, COUNT(change_words), word);
  if (i >= 0)
    *out = (sc_status_change)i;
  return i >= 0;
}

sc_status sc_status_after(sc_status_change change) {
  return change == SC_CHANGE_REVOKE    ? SC_STATUS_REVOKED
         : change == SC_CHANGE_SUSPEND ? SC_STATUS_SUSPENDED
                                       : SC_STATUS_ACTIVE;
}

sc_status sc_purpose_status(sc_purpose purpose) {
  return purpose == SC_PURPOSE_REVOCATION ? SC_STATUS_REVOKED : SC_STATUS_SUSPENDED;
}
