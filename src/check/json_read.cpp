// Reading a run result back from result_json: every field, by the same list the writer walks
// (detail/result_fields.hpp). Strict: a missing or unknown field, a wrong type or a name that
// is not one of its enumeration's is an error naming the field's path.

#include "gradlaws/detail/json.hpp"
#include "gradlaws/detail/result_fields.hpp"

#include "gradlaws/error.hpp"
#include "gradlaws/result_json.hpp"

#include <algorithm>
#include <charconv>
#include <concepts>
#include <limits>

namespace gradlaws::detail {

namespace {

constexpr std::string_view result_json_name = "result JSON";

[[noreturn]] void wrong(const std::string &path, const std::string &problem) {
  throw error(std::string(result_json_name) + ": '" + path + "' " + problem);
}

void need(const json_value &j, json_value::type t, const std::string &path) {
  if (j.t != t)
    wrong(path, "should be " + std::string(json_type_name(t)) + ", not " + std::string(json_type_name(j.t)));
}

// Declared before the templates that call them (see json.cpp).
void read(const json_value &j, std::string &s, const std::string &path);
void read(const json_value &j, bool &b, const std::string &path);
void read(const json_value &j, double &d, const std::string &path);
template <std::integral I>
void read(const json_value &j, I &i, const std::string &path);
template <class U>
void read(const json_value &j, decimal_string<U> &d, const std::string &path);
template <class E>
  requires std::is_enum_v<E>
void read(const json_value &j, E &e, const std::string &path);
template <class T>
void read(const json_value &j, std::optional<T> &o, const std::string &path);
template <class T>
void read(const json_value &j, std::vector<T> &items, const std::string &path);
void read(const json_value &j, std::pair<std::string, std::string> &p, const std::string &path);
template <class T>
  requires requires(T &t, int &v) { fields(t, v); }
void read(const json_value &j, T &object, const std::string &path);

/// Fills the members that fields() lists from an object, and counts what it used.
struct object_reader {
  const json_value &object;
  const std::string &path;
  std::size_t used = 0;

  template <class T>
  void operator()(const char *name, T &value) {
    const std::string at = path.empty() ? name : path + "." + name;
    for (const auto &[key, member] : object.members)
      if (key == name) {
        read(member, value, at);
        ++used;
        return;
      }
    wrong(at, "is missing");
  }
};

void read(const json_value &j, std::string &s, const std::string &path) {
  need(j, json_value::type::string, path);
  s = j.text;
}
void read(const json_value &j, bool &b, const std::string &path) {
  need(j, json_value::type::boolean, path);
  b = j.boolean;
}
void read(const json_value &j, double &d, const std::string &path) {
  if (j.t == json_value::type::string) { // what JSON has no number for
    const double inf = std::numeric_limits<double>::infinity();
    if (j.text == "NaN") d = std::numeric_limits<double>::quiet_NaN();
    else if (j.text == "Infinity" || j.text == "-Infinity") d = j.text[0] == '-' ? -inf : inf;
    else wrong(path, "is \"" + j.text + "\": expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
    return;
  }
  need(j, json_value::type::number, path);
  const auto [end, ec] = std::from_chars(j.text.data(), j.text.data() + j.text.size(), d);
  if (ec != std::errc() || end != j.text.data() + j.text.size())
    wrong(path, "is " + j.text + ", which is not a finite double");
}
/// An integer's digits into I, refusing fractions and values out of I's range.
template <std::integral I>
void integer_from(const std::string &text, I &i, const std::string &path) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  if (ec == std::errc::result_out_of_range) wrong(path, "is " + text + ", out of the range of its type");
  if (ec != std::errc() || end != text.data() + text.size()) wrong(path, "is " + text + ", not an integer");
}
template <std::integral I>
void read(const json_value &j, I &i, const std::string &path) {
  need(j, json_value::type::number, path);
  integer_from(j.text, i, path);
}
template <class U>
void read(const json_value &j, decimal_string<U> &d, const std::string &path) {
  need(j, json_value::type::string, path);
  integer_from(j.text, d.value, path);
}
template <class E>
  requires std::is_enum_v<E>
void read(const json_value &j, E &e, const std::string &path) {
  need(j, json_value::type::string, path);
  std::string known;
  for (const E value : values_of(E{})) {
    if (j.text == to_string(value)) {
      e = value;
      return;
    }
    known += (known.empty() ? "'" : ", '") + std::string(to_string(value)) + "'";
  }
  wrong(path, "is '" + j.text + "'; expected one of " + known);
}
template <class T>
void read(const json_value &j, std::optional<T> &o, const std::string &path) {
  if (j.t == json_value::type::null) {
    o.reset();
    return;
  }
  read(j, o.emplace(), path);
}
template <class T>
void read(const json_value &j, std::vector<T> &items, const std::string &path) {
  need(j, json_value::type::array, path);
  items.assign(j.items.size(), T{});
  for (std::size_t k = 0; k < items.size(); ++k) read(j.items[k], items[k], path + "[" + std::to_string(k) + "]");
}
void read(const json_value &j, std::pair<std::string, std::string> &p, const std::string &path) {
  need(j, json_value::type::array, path);
  if (j.items.size() != 2) wrong(path, "should be a [name, value] pair, not " + std::to_string(j.items.size()) + " items");
  read(j.items[0], p.first, path + "[0]");
  read(j.items[1], p.second, path + "[1]");
}
template <class T>
  requires requires(T &t, int &v) { fields(t, v); }
void read(const json_value &j, T &object, const std::string &path) {
  need(j, json_value::type::object, path.empty() ? "the result" : path);
  object_reader r{j, path};
  fields(object, r);
  if (r.used == j.members.size()) return;
  // Some member was not among the fields: name the first one (or say one was repeated).
  std::vector<std::string_view> names;
  auto collect = [&](const char *name, auto &) { names.push_back(name); };
  T probe{};
  fields(probe, collect);
  for (const auto &member : j.members)
    if (std::find(names.begin(), names.end(), member.first) == names.end())
      wrong(path.empty() ? member.first : path + "." + member.first, "is not a field of this object");
  wrong(path.empty() ? "the result" : path, "has a field more than once");
}

} // namespace

} // namespace gradlaws::detail

namespace gradlaws {

run_result read_result_json(std::string_view json) {
  const detail::json_value j = detail::parse_json(json, detail::result_json_name);
  run_result r;
  detail::read(j, r, "");
  return r;
}

} // namespace gradlaws
