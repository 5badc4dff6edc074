// The JSON format of the report: the object of a run that `gradlaws check --format json`
// prints and the golden file pins (render_json). The full-fidelity object a worker sends its
// parent (result_json) is the checking layer's (src/check/json_write.cpp).

#include "gradlaws/detail/json.hpp"

#include "gradlaws/report.hpp"

#include <cstdio>

namespace gradlaws {

namespace {

using detail::json_quote;

std::string q(const std::string &s) { return json_quote(s); }

std::string json_verdict(const verdict &v) {
  return "{\"kind\": " + q(std::string(to_string(v.kind))) + ", \"rung\": " + q(v.rung_name()) +
         ", \"lhs_name\": " + q(v.lhs_name) + ", \"lhs\": " + q(v.lhs_text()) + ", \"rhs_name\": " +
         q(v.rhs_name) + ", \"rhs\": " + q(v.rhs_text()) + ", \"difference\": " + q(v.difference_text()) +
         ", \"distance\": " + q(v.distance_text()) + ", \"tolerance\": " + q(v.tolerance_text()) +
         ", \"evidence\": " + q(v.evidence_text()) + "}";
}

} // namespace

std::string render_json(const run_result &r, timings t) {
  std::string s = "{\n";
  s += "  \"entry\": " + q(r.entry) + ",\n  \"variant\": " + q(r.variant) + ",\n";
  s += "  \"kind\": " + q(std::string(to_string(r.kind))) + ",\n";
  s += "  \"test\": " + q(r.test_name) + ",\n";
  s += "  \"claim\": " + q(r.claim) + ",\n  \"formula\": " + q(r.formula) + ",\n";
  s += "  \"status\": " + q(std::string(to_string(r.status))) + ",\n";
  s += std::string("  \"passed\": ") + (r.passed ? "true" : "false") + ",\n";
  s += "  \"cases\": " + std::to_string(r.cases) + ",\n  \"shrinks\": " + std::to_string(r.shrinks) + ",\n";
  // A string: 64-bit seeds lose digits in JSON parsers that read numbers as doubles.
  s += "  \"seed\": " + q(std::to_string(r.seed)) + ",\n";
  if (t == timings::shown) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", r.seconds);
    s += std::string("  \"seconds\": ") + buf + ",\n";
  }
  s += "  \"counterexample\": " + q(r.counterexample) + ",\n";
  s += "  \"details\": {";
  for (std::size_t i = 0; i < r.details.size(); ++i)
    s += (i ? ", " : "") + q(r.details[i].first) + ": " + q(r.details[i].second);
  s += "},\n";
  s += "  \"verdict\": " + (r.found ? json_verdict(*r.found) : std::string("null")) + ",\n";
  s += "  \"certificate\": " + (r.certificate ? json_verdict(*r.certificate) : std::string("null")) + ",\n";
  s += "  \"expected_shape\": " + q(r.expected_shape) + ",\n";
  s += "  \"shape_problem\": " + q(r.shape_problem) + ",\n";
  s += "  \"tally\": " + q(r.tally) + ",\n";
  s += "  \"message\": " + q(r.message) + ",\n";
  s += "  \"explanation\": " + q(r.explanation) + ",\n";
  s += "  \"reproduce\": " + q(r.reproduce) + ",\n";
  s += "  \"regression\": " + q(r.regression) + "\n}\n";
  return s;
}

} // namespace gradlaws
