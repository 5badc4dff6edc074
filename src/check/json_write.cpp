// The full-fidelity JSON object of a run (result_json), which read_result_json turns back into
// the same run_result: what a worker process sends its parent.

#include "gradlaws/detail/json.hpp"
#include "gradlaws/detail/result_fields.hpp"
#include "gradlaws/result_json.hpp"

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdio>

namespace gradlaws {

using detail::json_quote;

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
