#include "gradlaws/report.hpp"

#include <cstdio>

namespace gradlaws {

namespace {
std::string indent(const std::string &text, const std::string &pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string seconds_string(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string outcome_words(const run_result &r) {
  switch (r.status) {
  case run_status::held:
    return r.kind == entry_kind::fallacy
               ? "NOT falsified: no counterexample in " + std::to_string(r.cases) + " cases"
               : "held on " + std::to_string(r.cases) + " cases (" + r.tally + ")";
  case run_status::falsified: {
    std::string s = "falsified after " + std::to_string(r.cases) + " passing cases and " +
                    std::to_string(r.shrinks) + " shrinks";
    if (r.kind == entry_kind::fallacy)
      s += r.shape_problem.empty() ? ", as expected" : ", but NOT in the expected shape";
    return s;
  }
  case run_status::gave_up: return "gave up: " + r.message;
  case run_status::setup_failure: return "setup failure: " + r.message;
  }
  return "?";
}
} // namespace

std::string summary_line(const run_result &r) {
  return std::string(r.passed ? "PASS" : "FAIL") + "  " + std::string(to_string(r.kind)) + " " +
         r.entry + " [" + r.variant + "]  " + outcome_words(r) + "  (" + seconds_string(r.seconds) + ")";
}

std::string render_text(const run_result &r) {
  std::string s;
  s += "== " + std::string(to_string(r.kind)) + " " + r.entry + " [" + r.variant + "]: " +
       (r.passed ? "PASS" : "FAIL") + "\n";
  s += "claim     " + r.claim + "\n";
  s += "formula   " + r.formula + "\n";
  s += "outcome   " + outcome_words(r) + "  (seed " + std::to_string(r.seed) + ", " +
       seconds_string(r.seconds) + ")\n";
  if (!r.counterexample.empty()) {
    s += "shrunk counterexample\n" + indent(r.counterexample, "    ") + "\n";
  }
  for (const auto &[name, value] : r.details) s += name + "  " + value + "\n";
  if (r.found) s += "both sides\n" + r.found->to_text();
  if (r.certificate) {
    s += "certificate  " + std::string(to_string(r.certificate->kind)) + ": " +
         r.certificate->evidence + "\n";
  }
  if (r.kind == entry_kind::fallacy) {
    s += "expected shape  " + r.expected_shape + "\n";
    if (!r.shape_problem.empty()) s += "shape problem   " + r.shape_problem + "\n";
  }
  if (!r.explanation.empty()) s += "why       " + r.explanation + "\n";
  if (!r.reproduce.empty())
    s += "reproduce " + r.reproduce + " ctest --test-dir build -R '^" + r.test_name + "$' -V\n";
  if (!r.regression.empty()) s += "regression test\n" + indent(r.regression, "    ") + "\n";
  return s;
}

} // namespace gradlaws
