#pragma once
// Helpers for the tests that compare or summarise whole run results (they link gradlaws::report).

#include <gradlaws/report.hpp>

#include <string>
#include <vector>

namespace gradlaws::testing_support {

/// Each result as its text report and its result JSON, its time left out: what must not depend
/// on how the run was made (on one process or on several).
inline std::vector<std::string> without_times(std::vector<run_result> results) {
  std::vector<std::string> out;
  for (run_result &r : results) {
    r.seconds = 0;
    out.push_back(render_text(r, timings::omitted) + result_json(r));
  }
  return out;
}

/// The reports of the results that did not pass, and of those that ran fewer than `cases`.
inline std::string failures(const std::vector<run_result> &results, int cases) {
  std::string s;
  for (const run_result &r : results)
    if (!r.passed || r.cases < cases)
      s += render_text(r, timings::omitted) + " (" + std::to_string(r.cases) + " cases)\n";
  return s;
}

} // namespace gradlaws::testing_support
