// The JSON format: the report's object of a run (render_json, what `gradlaws check --format
// json` prints and the golden file pins), and the full-fidelity object (result_json) that
// read_result_json turns back into the same run_result.

#include "detail/json.hpp"
#include "detail/result_fields.hpp"

#include "gradlaws/report.hpp"

#include <charconv>
#include <cmath>
#include <concepts>
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

namespace detail {

namespace {

// Every overload is declared before the templates that call it: most arguments are of
// namespace std, where argument-dependent lookup would not find them.
std::string json_of(const std::string &s);
std::string json_of(bool b);
std::string json_of(double d);
template <std::integral I>
std::string json_of(I i);
template <class U>
std::string json_of(const decimal_string<U> &d);
template <class E>
  requires std::is_enum_v<E>
std::string json_of(E e);
template <class T>
std::string json_of(const std::optional<T> &o);
template <class T>
std::string json_of(const std::vector<T> &items);
std::string json_of(const std::pair<std::string, std::string> &p);
template <class T>
  requires requires(const T &t, int &v) { fields(t, v); }
std::string json_of(const T &object);

/// Writes the members that fields() lists, as one object.
struct object_writer {
  std::string out = "{";
  template <class T>
  void operator()(const char *name, const T &value) {
    out += (out.size() > 1 ? ", " : "") + json_quote(name) + ": " + json_of(value);
  }
};

std::string json_of(const std::string &s) { return json_quote(s); }
std::string json_of(bool b) { return b ? "true" : "false"; }
/// The shortest text that reads back as the same double; not-a-number and infinities, which
/// JSON has no numbers for, as the strings "NaN", "Infinity" and "-Infinity".
std::string json_of(double d) {
  if (std::isnan(d)) return "\"NaN\"";
  if (std::isinf(d)) return d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, d).ptr;
  return std::string(buf, end);
}
template <std::integral I>
std::string json_of(I i) {
  return std::to_string(i);
}
template <class U>
std::string json_of(const decimal_string<U> &d) {
  return json_quote(std::to_string(d.value));
}
template <class E>
  requires std::is_enum_v<E>
std::string json_of(E e) {
  return json_quote(to_string(e));
}
template <class T>
std::string json_of(const std::optional<T> &o) {
  return o ? json_of(*o) : "null";
}
template <class T>
std::string json_of(const std::vector<T> &items) {
  std::string out = "[";
  for (const T &item : items) out += (out.size() > 1 ? ", " : "") + json_of(item);
  return out + "]";
}
std::string json_of(const std::pair<std::string, std::string> &p) {
  return "[" + json_quote(p.first) + ", " + json_quote(p.second) + "]";
}
template <class T>
  requires requires(const T &t, int &v) { fields(t, v); }
std::string json_of(const T &object) {
  object_writer w;
  fields(object, w);
  return w.out + "}";
}

} // namespace

} // namespace detail

std::string result_json(const run_result &r) { return detail::json_of(r) + "\n"; }

} // namespace gradlaws
