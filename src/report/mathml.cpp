// Formulas in gradlaws's Unicode notation as MathML: a small recursive-descent reader that
// writes the MathML as it goes. It never fails: what it does not recognise is an operator.

#include "gradlaws/mathml.hpp"

#include "gradlaws/svg.hpp"

#include <vector>

namespace gradlaws {

namespace {

/// A code point and the bytes it takes.
struct code_point {
  char32_t c = 0;
  std::size_t size = 0;
};

code_point decode_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return {};
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  if (n == 1 || i + n > s.size()) return {b, 1}; // ASCII, or a stray byte taken as it is
  char32_t c = b & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {c, n};
}

bool ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit(char32_t c) { return c >= '0' && c <= '9'; }
bool combining(char32_t c) { return (c >= 0x300 && c <= 0x36F) || (c >= 0x20D0 && c <= 0x20FF); }
bool prime(char32_t c) { return c == 0x2032 || c == 0x2033; }
/// Letters that name a variable on their own: Latin with diacritics, Greek (but Σ, the sum), ℓ.
bool other_letter(char32_t c) {
  return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
         (c >= 0x391 && c <= 0x3C9 && c != 0x3A3) || c == 0x3D1 || c == 0x3D5 || c == 0x3F5 || c == 0x2113;
}

/// The spacing form of a combining accent, drawn over its letter.
const char *accent_of(char32_t c) {
  switch (c) {
  case 0x302: return "^";
  case 0x303: return "~";
  case 0x304:
  case 0x305: return "¯";
  case 0x307: return "˙";
  case 0x308: return "¨";
  case 0x20D7: return "→";
  default: return nullptr;
  }
}

std::string tag(const char *name, const std::string &content, const char *attributes = "") {
  return std::string("<") + name + attributes + ">" + content + "</" + name + ">";
}
std::string row(const std::string &content) { return tag("mrow", content); }

class formula_reader {
public:
  explicit formula_reader(std::string_view s) : s_(s) {}

  /// Items up to the end, or up to `close` (consumed) when it is not 0.
  std::string sequence(char32_t close) {
    std::string out;
    bool closed = false;
    while (i_ < s_.size()) {
      const code_point p = at();
      if (close && p.c == close) {
        i_ += p.size;
        closed = true;
        break;
      }
      if (p.c == ' ') {
        out += spaces(!out.empty());
        continue;
      }
      out += scripted(base());
    }
    closed_ = closed;
    return out;
  }

private:
  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
  bool closed_ = false; ///< whether the last sequence ended at its closing bracket

  code_point at(std::size_t k = 0) const { return decode_at(s_, i_ + k); }

  /// Spaces: one separates tokens (MathML spaces operators itself); more are a wide gap.
  std::string spaces(bool after_something) {
    std::size_t n = 0;
    while (i_ < s_.size() && s_[i_] == ' ') ++i_, ++n;
    return n > 1 && after_something && i_ < s_.size() ? "<mspace width=\"1em\"/>" : "";
  }

  /// The base followed by its subscripts, superscripts and primes.
  std::string scripted(std::string base) {
    // A prime is a glyph already set high: it follows its letter on the line, as a superscript
    // it would be raised twice by fonts without math tables.
    if (prime(at().c)) {
      while (prime(at().c)) {
        base += tag("mo", std::string(s_.substr(i_, at().size)), " lspace=\"0\" rspace=\"0\"");
        i_ += at().size;
      }
      base = row(base);
    }
    std::string sub, sup;
    for (;;) {
      const char c = i_ + 1 < s_.size() && s_[i_ + 1] != ' ' ? s_[i_] : ' ';
      if (c == '_' && sub.empty()) ++i_, sub = script();
      else if (c == '^' && sup.empty()) ++i_, sup = script();
      else break;
    }
    if (!sub.empty() && !sup.empty()) return "<msubsup>" + base + sub + sup + "</msubsup>";
    if (!sub.empty()) return tag("msub", base + sub);
    if (!sup.empty()) return tag("msup", base + sup);
    return base;
  }

  /// What follows '_' or '^': a {group}, digits, a run of ASCII letters, or one character.
  std::string script() {
    const code_point p = at();
    if (p.c == '{' && depth_ < max_depth) {
      ++i_, ++depth_;
      std::string inner = sequence('}');
      --depth_;
      return row(inner);
    }
    if (digit(p.c)) return number();
    if (ascii_letter(p.c)) {
      const std::size_t from = i_;
      while (ascii_letter(at().c)) ++i_;
      return tag("mi", xml_escape(std::string(s_.substr(from, i_ - from))));
    }
    if (other_letter(p.c)) return identifier();
    i_ += p.size;
    return tag("mo", xml_escape(std::string(s_.substr(i_ - p.size, p.size))));
  }

  std::string base() {
    const code_point p = at();
    if (p.c == '(' && depth_ < max_depth) return bracketed();
    if (digit(p.c)) return number();
    if (ascii_letter(p.c)) return word();
    if (other_letter(p.c)) return identifier();
    i_ += p.size;
    if (p.c == 0x3A3) return tag("mo", "∑");
    if (p.c == 0x2207 || p.c == 0x2202) // ∇ and ∂ bind to what they differentiate
      return tag("mo", std::string(s_.substr(i_ - p.size, p.size)), " rspace=\"0\"");
    if (p.c == '-') return tag("mo", "−");
    if (p.c == '.' && at().c == '.') {
      ++i_;
      return tag("mo", "…");
    }
    return tag("mo", xml_escape(std::string(s_.substr(i_ - p.size, p.size))));
  }

  std::string number() {
    const std::size_t from = i_;
    while (digit(at().c) || (at().c == '.' && digit(at(1).c))) ++i_;
    return tag("mn", std::string(s_.substr(from, i_ - from)));
  }

  /// One letter and its accents: an accent gradlaws knows is drawn over the letter, others
  /// stay in it.
  std::string identifier() {
    const std::size_t size = at().size;
    std::string letter(s_.substr(i_, size));
    i_ += size;
    std::vector<const char *> accents;
    while (combining(at().c)) {
      const code_point a = at();
      if (const char *accent = accent_of(a.c)) accents.push_back(accent);
      else letter += s_.substr(i_, a.size);
      i_ += a.size;
    }
    std::string out = tag("mi", xml_escape(letter));
    for (const char *accent : accents) out = "<mover accent=\"true\">" + out + tag("mo", accent) + "</mover>";
    return out;
  }

  /// The length of the ASCII word at i_ + k: letters, with '-' or '\'' between letters.
  std::size_t word_length(std::size_t k) const {
    std::size_t n = 0;
    while (i_ + k + n < s_.size()) {
      const char c = s_[i_ + k + n];
      if (ascii_letter(char32_t(c))) ++n;
      else if ((c == '-' || c == '\'') && n > 0 && i_ + k + n + 1 < s_.size() &&
               ascii_letter(char32_t(s_[i_ + k + n + 1])))
        ++n;
      else break;
    }
    return n;
  }

  /// A single letter is a variable, a name called like a function (fl(…), backward_{x̄}) an
  /// upright identifier, and a run of words ("for every", "with BatchNorm statistics") text.
  std::string word() {
    const std::size_t n = word_length(0);
    if (n == 1) return identifier();
    const std::string_view w = s_.substr(i_, n);
    const char next = i_ + n < s_.size() ? s_[i_ + n] : ' ';
    if ((next == '(' || next == '_' || next == '^') && w.find_first_of("-'") == std::string_view::npos) {
      i_ += n;
      return tag("mi", std::string(w));
    }
    const bool space_before = i_ > 0 && s_[i_ - 1] == ' ';
    std::size_t end = i_ + n;
    // More words join the text; a single letter after it is a variable again ("for every k").
    while (end + 1 < s_.size() && s_[end] == ' ' && s_[end + 1] != ' ') {
      const std::size_t m = word_length(end + 1 - i_);
      if (m < 2) break;
      end += 1 + m;
    }
    std::string text = xml_escape(std::string(s_.substr(i_, end - i_)));
    i_ = end;
    const bool space_after = i_ + 1 < s_.size() && s_[i_] == ' ';
    return tag("mtext", (space_before ? "&#160;" : "") + text + (space_after ? "&#160;" : ""));
  }

  /// "(a/b)" of simple terms is a fraction (in brackets when scripts follow); any other
  /// bracket is a group.
  std::string bracketed() {
    ++i_, ++depth_;
    std::string out;
    if (const std::size_t slash = simple_fraction(); slash != 0) {
      const std::size_t close = s_.find(')', i_);
      const std::string num = formula_reader(s_.substr(i_, slash - i_)).sequence(0);
      const std::string den = formula_reader(s_.substr(slash + 1, close - slash - 1)).sequence(0);
      i_ = close + 1;
      const std::string frac = tag("mfrac", row(num) + row(den));
      const char next = i_ < s_.size() ? s_[i_] : ' ';
      out = next == '_' || next == '^' ? row(tag("mo", "(") + frac + tag("mo", ")")) : frac;
    } else {
      // Brackets grow around a fraction; around a line of text they keep the text's size.
      const std::string inner = sequence(')');
      const char *size = inner.find("<mfrac>") == std::string::npos ? " stretchy=\"false\"" : "";
      out = row(tag("mo", "(", size) + inner + (closed_ ? tag("mo", ")", size) : ""));
    }
    --depth_;
    return out;
  }

  /// The position of the '/' when i_ starts "a/b)" with a and b simple terms (letters, digits,
  /// accents, primes, scripts, ∂, ∇), else 0.
  std::size_t simple_fraction() const {
    std::size_t slash = 0, k = i_;
    while (k < s_.size() && s_[k] != ')') {
      const code_point p = decode_at(s_, k);
      if (p.c == '/') {
        if (slash || k == i_) return 0;
        slash = k;
      } else if (!(ascii_letter(p.c) || digit(p.c) || other_letter(p.c) || combining(p.c) || prime(p.c) ||
                   p.c == '_' || p.c == '^' || p.c == '{' || p.c == '}' || p.c == 0x2202 || p.c == 0x2207)) {
        return 0;
      }
      k += p.size;
    }
    return k < s_.size() && slash && slash + 1 < k ? slash : 0;
  }

  static constexpr int max_depth = 64; // deeper brackets are shown as they are
};

} // namespace

std::string formula_mathml(std::string_view formula) {
  return "<math><semantics>" + row(formula_reader(formula).sequence(0)) +
         "<annotation encoding=\"text/plain\">" + xml_escape(std::string(formula)) +
         "</annotation></semantics></math>";
}

} // namespace gradlaws
