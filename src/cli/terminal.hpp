#pragma once
// What the command line prints on a terminal: lines fitted to 100 columns, padding by columns
// (not bytes: formulas are UTF-8), status words in colour, and the summary line of a run.

#include <gradlaws/catalogue.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws::cli {

inline constexpr std::size_t line_width = 100;

/// `first`, then the words of `text`, broken at spaces into lines of at most `width` columns;
/// continuation lines are indented by `indent` spaces. A break goes at a run of spaces (a
/// formula's own gaps, "  ⇒  ") or else at a space outside brackets when there is one in the
/// second half of the line, else at the last space that fits, never inside "name [variant]"; a
/// word longer than a line stays whole. `tail` goes last, unbroken, after
/// three spaces (e.g. "(3 variants)").
std::string wrap(const std::string &first, const std::string &text, std::size_t indent,
                 const std::string &tail = "", std::size_t width = line_width);

/// `s` padded with spaces to `n` columns, or followed by one space if it is as wide or wider.
std::string pad(const std::string &s, std::size_t n);

/// The status word of a result ("PASS", "REFUTED", "FAIL", "held", …) in its colour when `on`:
/// red for a failure, green otherwise.
std::string paint_status(std::string_view word, bool on);

/// Text whose lines fit line_width columns: a longer line is broken at spaces (wrap), its
/// continuation lines aligned under its value when it starts with a label and two spaces
/// ("claim     …"), else indented four more than the line. A word wider than a line (a
/// reproduce token, which must stay copyable) stays whole, and a drafted regression test (the
/// indented lines after "regression test") is source code: never broken.
std::string fit_lines(const std::string &text);

/// render_text with the status word of its heading ("== law x [v]: PASS …") in colour.
std::string paint_heading(std::string text, bool on);

/// A one-line summary (summary_line: "PASS  law …") with its first word in colour.
std::string paint_first_word(const std::string &line, bool on);

/// What a run of several variants came to, counted from their results.
struct tally {
  std::size_t variants = 0, held = 0, refuted = 0;
  long long cases = 0;             ///< cases of the laws that held
  std::vector<std::string> failed; ///< "entry [variant]"

  void add(entry_kind kind, bool passed, int run_cases, const std::string &entry,
           const std::string &variant);

  /// "21 variants: 20 held (2,000 cases), 1 FAILED: linearity [relu_exact]", wrapped to the
  /// line width; the status words in colour when `on`.
  std::string line(bool on) const;
};

} // namespace gradlaws::cli
