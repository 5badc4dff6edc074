#pragma once
// The measured accuracy of one of a subject's own elementwise functions (gradlaws/own_functions.hpp)
// on the arguments a case made it evaluate. A light header: reports and verdicts carry it.

#include <string>
#include <vector>

namespace gradlaws {

struct function_accuracy {
  std::string function; ///< "gelu", or "gelu′" for the derivative
  std::string format;   ///< "double" or "float"
  double ulps = 0;      ///< the largest error seen, in units in the last place of the format
  double at = 0;        ///< the argument where it was seen
  long evaluations = 0; ///< how many arguments were measured
};

/// Keeps, per function and format, the largest error of `seen` in `worst`.
void keep_worst(std::vector<function_accuracy> &worst, const function_accuracy &seen);

/// "gelu: 31 ulp at z = -3.25 (double, 120 arguments)".
std::string to_text(const function_accuracy &a);

} // namespace gradlaws
