// A JSON reader small enough to read in one sitting: what read_result_json needs, with errors
// that say where the text went wrong.

#include "gradlaws/detail/json.hpp"

#include "gradlaws/error.hpp"

#include <cstdio>

namespace gradlaws::detail {

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += char(c);
      }
    }
  }
  return out + "\"";
}

std::string_view json_type_name(json_value::type t) {
  switch (t) {
  case json_value::type::null: return "null";
  case json_value::type::boolean: return "a boolean";
  case json_value::type::number: return "a number";
  case json_value::type::string: return "a string";
  case json_value::type::array: return "an array";
  case json_value::type::object: return "an object";
  }
  return "?";
}

namespace {

void append_utf8(std::string &out, unsigned long c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

class json_parser {
public:
  json_parser(std::string_view text, std::string_view what) : s_(text), what_(what) {}

  json_value document() {
    json_value v = value(0);
    blank();
    if (i_ < s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

private:
  std::string_view s_, what_;
  std::size_t i_ = 0;
  static constexpr int max_depth = 256; // deeper nesting is refused, not recursed into

  [[noreturn]] void fail(const std::string &problem) const {
    std::size_t line = 1, column = 1;
    for (std::size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') ++line, column = 1;
      else if ((static_cast<unsigned char>(s_[k]) & 0xC0) != 0x80) ++column;
    }
    throw error(std::string(what_) + ", line " + std::to_string(line) + " column " + std::to_string(column) +
                ": " + problem);
  }
  std::string found() const {
    if (i_ >= s_.size()) return "the end of the text";
    return "'" + std::string(s_.substr(i_, 1)) + "'";
  }
  void blank() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool take(char c) {
    blank();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  void expect(char c, const char *after) {
    if (!take(c)) fail(std::string("expected '") + c + "' " + after + ", found " + found());
  }

  json_value value(int depth) {
    blank();
    if (depth > max_depth) fail("nested deeper than " + std::to_string(max_depth) + " levels");
    json_value v;
    if (i_ >= s_.size()) fail("expected a value, found the end of the text");
    const char c = s_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      v.t = json_value::type::string;
      v.text = string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.t = json_value::type::number;
      v.text = number();
    } else if (literal("true")) {
      v.t = json_value::type::boolean;
      v.boolean = true;
    } else if (literal("false")) {
      v.t = json_value::type::boolean;
    } else if (!literal("null")) {
      fail("expected a value (an object, array, string, number, true, false or null), found " + found());
    }
    return v;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  json_value object(int depth) {
    ++i_;
    json_value v;
    v.t = json_value::type::object;
    if (take('}')) return v;
    do {
      blank();
      if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name in quotes, found " + found());
      std::string name = string();
      expect(':', "after a member name");
      v.members.emplace_back(std::move(name), value(depth + 1));
    } while (take(','));
    expect('}', "or ',' after an object's member");
    return v;
  }

  json_value array(int depth) {
    ++i_;
    json_value v;
    v.t = json_value::type::array;
    if (take(']')) return v;
    do v.items.push_back(value(depth + 1));
    while (take(','));
    expect(']', "or ',' after an array's item");
    return v;
  }

  std::string number() {
    const std::size_t from = i_;
    const auto digits = [&] {
      const std::size_t start = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == start) fail("expected a digit in a number, found " + found());
    };
    if (s_[i_] == '-') ++i_;
    digits();
    if (i_ < s_.size() && s_[i_] == '.') ++i_, digits();
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      digits();
    }
    return std::string(s_.substr(from, i_ - from));
  }

  unsigned long hex4() {
    unsigned long c = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      const char h = i_ < s_.size() ? s_[i_] : '\0';
      const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (d < 0) fail("expected four hexadecimal digits after \\u, found " + found());
      c = c * 16 + unsigned(d);
    }
    return c;
  }

  void escape(std::string &out) {
    const char e = i_ < s_.size() ? s_[i_++] : '\0';
    switch (e) {
    case '"': case '\\': case '/': out += e; return;
    case 'b': out += '\b'; return;
    case 'f': out += '\f'; return;
    case 'n': out += '\n'; return;
    case 'r': out += '\r'; return;
    case 't': out += '\t'; return;
    case 'u': {
      unsigned long c = hex4();
      if (c >= 0xD800 && c < 0xDC00 && literal("\\u")) { // a surrogate pair
        const unsigned long low = hex4();
        if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate not followed by a low one");
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
      }
      append_utf8(out, c);
      return;
    }
    default: --i_; fail("unknown escape '\\" + std::string(1, e) + "' in a string");
    }
  }

  std::string string() {
    ++i_;
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("a string that does not end (a '\"' is missing)");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\\') escape(out);
      else if (static_cast<unsigned char>(c) >= 0x20) out += c;
      else {
        --i_;
        fail("a control character in a string (write it as \\u00XX)");
      }
    }
  }
};

} // namespace

json_value parse_json(std::string_view text, std::string_view what) { return json_parser(text, what).document(); }

} // namespace gradlaws::detail
