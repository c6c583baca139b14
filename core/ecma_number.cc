// ECMAScript Number::prototype::toString for RFC 8785 numbers.
//
// double-conversion is the library V8 itself uses for Number::toString: its EcmaScriptConverter
// prints the shortest decimal that round-trips, with ECMAScript's switch to exponent notation
// below 1e-6 and from 1e21 on. A printf/strtod loop is not enough (it fails at powers of two,
// see the vectors' derived-powers-of-two-v8.txt).
#include <double-conversion/double-to-string.h>

extern "C" {
#include "core/core.h"
}

// The longest ECMAScript shortest form needs 25 characters plus the NUL.
static_assert(double_conversion::DoubleToStringConverter::kMaxCharsEcmaScriptShortest <
                  SC_ECMA_NUMBER_SIZE,
              "SC_ECMA_NUMBER_SIZE is too small");

extern "C" size_t sc_ecma_number(double value, char *out, size_t size) {
  if (size < SC_ECMA_NUMBER_SIZE) { // double-conversion would overrun a smaller buffer
    if (size)
      out[0] = '\0';
    return 0;
  }
  double_conversion::StringBuilder builder(out, SC_ECMA_NUMBER_SIZE);
  // UNIQUE_ZERO in the EcmaScript flags prints -0 as "0", as ECMAScript does.
  double_conversion::DoubleToStringConverter::EcmaScriptConverter().ToShortest(value, &builder);
  size_t length = static_cast<size_t>(builder.position());
  builder.Finalize();
  return length;
}
