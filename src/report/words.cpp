#include "detail/words.hpp"

#include "gradlaws/report.hpp"

#include <algorithm>
#include <cstdio>

namespace gradlaws {

std::size_t columns(std::string_view text) {
  // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a code point.
  return std::size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string grouped(long long n) {
  std::string s = std::to_string(n);
  for (int k = int(s.size()) - 3; k > (s.front() == '-' ? 1 : 0); k -= 3) s.insert(std::size_t(k), ",");
  return s;
}

std::string_view status_word(const run_result &r) {
  if (!r.passed) return "FAIL";
  return r.kind == entry_kind::fallacy ? "REFUTED" : "PASS";
}

} // namespace gradlaws

namespace gradlaws::detail {

std::string accuracy_words(const run_result &r) {
  std::string s;
  if (r.inaccurate_cases > 0)
    s += "; accuracy: in " + std::to_string(r.inaccurate_cases) + " case" +
         (r.inaccurate_cases == 1 ? "" : "s") +
         " a side was not the exact value within its accuracy bound";
  for (const function_accuracy &f : r.accuracy) s += "; your " + to_text(f);
  return s;
}

std::string outcome_words(const run_result &r) {
  switch (r.status) {
  case run_status::held:
    return r.kind == entry_kind::fallacy
               ? "NOT falsified: no counterexample in " + std::to_string(r.cases) + " cases"
               : "held on " + std::to_string(r.cases) + " cases (" + r.tally + ")" +
                     accuracy_words(r);
  case run_status::falsified: {
    std::string s = "falsified after " + std::to_string(r.cases) + " passing cases and " +
                    std::to_string(r.shrinks) + (r.shrinks == 1 ? " shrink" : " shrinks");
    if (r.kind == entry_kind::fallacy)
      s += r.shape_problem.empty() ? ", as expected" : ", but NOT in the expected shape";
    return s;
  }
  case run_status::gave_up: return "gave up: " + r.message;
  case run_status::setup_failure: return "setup failure: " + r.message;
  }
  return "?";
}

std::string verdict_words(const run_result &r) {
  if (r.status == run_status::falsified && r.found) return std::string(to_string(r.found->kind));
  return std::string(to_string(r.status));
}

std::string seconds_string(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string rerun_command(const run_result &r) {
  if (!r.rerun.empty()) return r.rerun;
  return "ctest --test-dir build -R '^" + r.test_name + "$' -V";
}

std::string prefix_lines(const std::string &text, const std::string &pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string one_line(const std::string &text) {
  std::string s;
  for (char c : text) s += c == '\n' ? std::string("; ") : std::string(1, c);
  std::string squeezed;
  for (char c : s)
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
  return squeezed;
}

std::string one_line_case(const run_result &r) {
  if (r.counterexample.empty()) return r.status == run_status::held ? "—" : r.message;
  return one_line(r.counterexample);
}

std::string one_line_sides(const run_result &r) {
  if (!r.found) return "";
  return r.found->lhs_name + " = " + one_line(r.found->lhs_text()) + "; " + r.found->rhs_name +
         " = " + one_line(r.found->rhs_text());
}

std::string capped(const std::string &s, std::size_t limit) {
  if (s.size() <= limit) return s;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut; // whole UTF-8 characters
  return s.substr(0, cut) + " …";
}

} // namespace gradlaws::detail
