#pragma once
// JSON as the report layer writes and reads it: quoting, and a parsed value for the reader.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradlaws::detail {

/// s as a JSON string: quoted, with '"', '\\' and control characters escaped; other bytes
/// (UTF-8) as they are.
std::string json_quote(std::string_view s);

/// A parsed JSON value. A number keeps its text, so that the reader converts it exactly to the
/// type it fills (a 64-bit integer, a double).
struct json_value {
  enum class type { null, boolean, number, string, array, object };
  type t = type::null;
  bool boolean = false;
  std::string text; ///< a number's text, or a string's value
  std::vector<json_value> items;
  std::vector<std::pair<std::string, json_value>> members; ///< in the order written
};
/// "null", "a boolean", "a number", …: what a value is, for messages.
std::string_view json_type_name(json_value::type t);

/// Parses one JSON document (RFC 8259; \u escapes become UTF-8). Throws gradlaws::error
/// starting with `what`, naming the line, the column and what was expected there.
json_value parse_json(std::string_view text, std::string_view what);

} // namespace gradlaws::detail
