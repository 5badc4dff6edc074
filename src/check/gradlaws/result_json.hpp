#pragma once
// A run as data: what a worker process sends its parent (the command line's jobs, check()'s).

#include "gradlaws/catalogue.hpp"

#include <string>
#include <string_view>

namespace gradlaws {

/// Every field of the run as one line of JSON: verdicts with their values, magnitudes and
/// evidence, the certificate, the details, the figures with their series, the tally, the
/// seconds (doubles written to read back exactly; NaN and ±∞ as "NaN", "Infinity",
/// "-Infinity"; the seed as a string).
std::string result_json(const run_result &r);

/// The run that result_json wrote: result_json(read_result_json(result_json(r))) ==
/// result_json(r). Throws gradlaws::error naming the line and column of malformed JSON, or the
/// path of a field that is missing, unknown, of the wrong type or out of range
/// ("result JSON: 'verdict.rung' is 'exactish'; expected one of 'exact', …").
run_result read_result_json(std::string_view json);

} // namespace gradlaws
