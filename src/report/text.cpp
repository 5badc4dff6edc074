// The terminal format: a run as a worked answer (the CTest log), and its one-line summary.

#include "detail/words.hpp"

#include "gradlaws/report.hpp"

namespace gradlaws {

std::string summary_line(const run_result &r, timings t) {
  return std::string(status_word(r)) + "  " + std::string(to_string(r.kind)) + " " +
         r.entry + " [" + r.variant + "]  " + detail::outcome_words(r) +
         (t == timings::shown ? "  (" + detail::seconds_string(r.seconds) + ")" : std::string());
}

std::string render_text(const run_result &r, timings t) {
  using namespace detail;
  std::string s;
  s += "== " + std::string(to_string(r.kind)) + " " + r.entry + " [" + r.variant + "]: " +
       std::string(status_word(r)) + (r.passed && r.kind == entry_kind::fallacy ? " (as expected)" : "") +
       "\n";
  s += "claim     " + r.claim + "\n";
  s += "formula   " + r.formula + "\n";
  s += "outcome   " + outcome_words(r) + "  (seed " + std::to_string(r.seed) +
       (t == timings::shown ? ", " + seconds_string(r.seconds) : std::string()) + ")\n";
  if (!r.counterexample.empty()) {
    s += "shrunk counterexample\n" + prefix_lines(r.counterexample, "    ") + "\n";
  }
  for (const auto &[name, value] : r.details) s += name + "  " + value + "\n";
  if (r.found) s += "both sides\n" + r.found->to_text();
  if (r.certificate) {
    s += "certificate  " + std::string(to_string(r.certificate->kind)) + ": " +
         r.certificate->evidence_text() + "\n";
  }
  if (r.kind == entry_kind::fallacy) {
    s += "expected shape  " + r.expected_shape + "\n";
    if (!r.shape_problem.empty()) s += "shape problem   " + r.shape_problem + "\n";
  }
  if (!r.explanation.empty()) s += "why       " + r.explanation + "\n";
  if (!r.reproduce.empty())
    s += "reproduce " + r.reproduce + " " + rerun_command(r) + "\n";
  if (!r.regression.empty()) s += "regression test\n" + prefix_lines(r.regression, "    ") + "\n";
  return s;
}

} // namespace gradlaws
