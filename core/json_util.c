/* Small questions asked of JSON values all over the vocabulary. */
#include "core/core.h"

#include <string.h>

bool sc_json_has_string(const json_t *value, const char *wanted) {
  if (json_is_string(value))
    return strcmp(json_string_value(value), wanted) == 0;
  size_t i;
  json_t *item;
  json_array_foreach(value, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), wanted) == 0)
      return true;
  }
  return false;
}
