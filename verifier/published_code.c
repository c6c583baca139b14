/* A short code (core/short_code.c) back to the credential it names: the one file of
 * <public>/c/ whose name starts with the code's 60 bits. The code is derived from the UUID,
 * so no index has to be written or kept in step; a folder of thousands is read in
 * milliseconds. Two matches (1 in 7*10^16 per pair) are refused instead of guessed. */
#include "verifier/verifier.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define UUID_LEN 36

int sc_published_find_code(const char *public_dir, const char *code, char uuid[37], sc_error *err) {
  char prefix[SC_SHORT_CODE_PREFIX_SIZE], dir_path[4096];
  if (sc_short_code_uuid_prefix(code, prefix) != SC_OK)
    return sc_fail(err, SC_EDATA,
                   "'%s' is not a certificate code (12 letters and digits, XXXX-XXXX-XXXX)", code);
  if (!public_dir)
    return sc_fail(err, SC_ENOINPUT,
                   "certificate code %s: no published credentials to look it "
                   "up in (give --home or --status DIR)",
                   code);
  int n = snprintf(dir_path, sizeof dir_path, "%s/c", public_dir);
  if (n < 0 || (size_t)n >= sizeof dir_path)
    return sc_fail(err, SC_ENOINPUT, "certificate code %s: folder name too long", code);
  DIR *dir = opendir(dir_path);
  if (!dir)
    return sc_fail(err, SC_ENOINPUT, "no credential with the code %s is published in %s/", code,
                   dir_path);
  size_t found = 0, prefix_len = strlen(prefix);
  const struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    if (strlen(name) != UUID_LEN + 5 || strcmp(name + UUID_LEN, ".json") != 0 ||
        strncmp(name, prefix, prefix_len) != 0 || !sc_uuid_valid(name, UUID_LEN))
      continue;
    if (found++ == 0) {
      memcpy(uuid, name, UUID_LEN);
      uuid[UUID_LEN] = '\0';
    }
  }
  closedir(dir);
  if (found == 0)
    return sc_fail(err, SC_ENOINPUT, "no credential with the code %s is published in %s/", code,
                   dir_path);
  if (found > 1)
    return sc_fail(err, SC_EDATA,
                   "the code %s names %zu published credentials; verify by the "
                   "credential id instead",
                   code, found);
  return SC_OK;
}
