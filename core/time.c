/* XML Schema dateTime parsing and UTC formatting, without the C library's time zone state. */
#include "core/core.h"

#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *year, unsigned *month, unsigned *day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (int)((int64_t)yoe + era * 400 + (*month <= 2));
}

static bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return true;
}

static bool expect(const char **p, char c) {
  if (**p != c)
    return false;
  (*p)++;
  return true;
}

/* Parses "Z", "+hh:mm" or "-hh:mm" into seconds east of UTC. */
static bool parse_offset(const char **p, int *seconds) {
  if (expect(p, 'Z')) {
    *seconds = 0;
    return true;
  }
  char sign = **p;
  if (sign != '+' && sign != '-')
    return false;
  (*p)++;
  int hh, mm;
  if (!digits(p, 2, &hh) || !expect(p, ':') || !digits(p, 2, &mm) || hh > 14 || mm > 59 ||
      (hh == 14 && mm != 0))
    return false;
  *seconds = (sign == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  return true;
}

/* Skips ".digits" at *p; nonzero tells whether any digit was not 0. */
static bool skip_fraction(const char **p, bool *nonzero) {
  (*p)++;
  if (**p < '0' || **p > '9')
    return false;
  for (; **p >= '0' && **p <= '9'; (*p)++)
    *nonzero |= **p != '0';
  return true;
}

int sc_time_parse(const char *text, bool require_offset, int64_t *epoch, sc_error *err) {
  const char *p = text;
  int year, month, day, hour, minute, second, offset = 0;
  bool ok = digits(&p, 4, &year) && expect(&p, '-') && digits(&p, 2, &month) && expect(&p, '-') &&
            digits(&p, 2, &day) && expect(&p, 'T') && digits(&p, 2, &hour) && expect(&p, ':') &&
            digits(&p, 2, &minute) && expect(&p, ':') && digits(&p, 2, &second);
  bool has_fraction = false;
  if (ok && *p == '.')
    ok = skip_fraction(&p, &has_fraction);
  bool has_offset = ok && *p != '\0';
  if (has_offset)
    ok = parse_offset(&p, &offset) && *p == '\0';
  if (ok && require_offset && !has_offset)
    return sc_fail(err, SC_EDATA, "'%s' has no time zone (expected e.g. 2026-11-28T09:00:00Z)",
                   text);
  if (!ok || month < 1 || month > 12 || day < 1 || (unsigned)day > days_in_month(year, month) ||
      hour > 23 || minute > 59 || second > 59)
    return sc_fail(err, SC_EDATA, "'%s' is not a date-time (expected e.g. 2026-11-28T09:00:00Z)",
                   text);
  /* Rounded up: compared with a whole-second clock that is exact, since validFrom <= now
   * iff ceil(validFrom) <= now, and now < validUntil iff now < ceil(validUntil). */
  *epoch = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
           minute * 60 + second + has_fraction - offset;
  return SC_OK;
}

void sc_time_format(int64_t epoch, char out[SC_AT_LEAST(SC_TIME_SIZE)]) {
  int64_t days = epoch / 86400, rem = epoch % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  /* Four-digit years only: instants come from sc_time_parse or the clock. */
  char full[64];
  snprintf(full, sizeof full, "%04d-%02u-%02uT%02d:%02d:%02dZ", year % 10000, month, day,
           (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
  memcpy(out, full, 20);
  out[20] = '\0';
}

void sc_date_format(int64_t epoch, char out[SC_AT_LEAST(SC_DATE_SIZE)]) {
  char full[21];
  sc_time_format(epoch, full);
  memcpy(out, full, 10);
  out[10] = '\0';
}
