#pragma once
// What the command line was asked to do, once parse() has checked it against the tables, and
// the usage error every refusal is.

#include <gradlaws/catalogue.hpp>
#include <gradlaws/error.hpp>

#include <algorithm>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws::cli {

struct options {
  std::string command;
  std::vector<std::string> names;
  std::vector<std::string> given; ///< the flags given by name, in order (not by alias)
  std::optional<std::string> variant, out, kind, format;
  run_options run;
  int seeds = 100;
  bool timings = true;
  bool variants = false;
  bool html = false; ///< report: also a self-contained HTML page beside the Markdown
  bool hidden = false; ///< gallery: batch gradients with their model hidden (two-precision rule)
  bool torch = false;  ///< gallery: the libtorch cases only
  int jobs = 0; ///< processes for report, rates, sweep and gallery --seeds (0: one per core)
  /// --timeout: seconds one variant may run on one seed (0: no limit); unset: a default that
  /// grows with --cases (timeout_of in entries.hpp).
  std::optional<int> timeout;
  /// --progress: seconds between progress lines on stderr (0: none); unset: 10 when stderr
  /// is a terminal, else none.
  std::optional<int> progress;
  std::string colour = "auto"; ///< --color: auto, always or never
  bool colour_out = false, colour_err = false; ///< set by run() from colour and the streams
  bool err_terminal = false; ///< set by run(): stderr is std::cerr on a terminal

  bool has(std::string_view flag) const {
    return std::find(given.begin(), given.end(), flag) != given.end();
  }
};

/// The arguments checked against the tables: the command, its operands, every flag and its
/// value. Throws usage_error naming the first problem. RC_PARAMS and GRADLAWS_DIGITS give
/// the defaults the flags override.
options parse(const std::vector<std::string> &args);

/// A usage error: one line naming the problem and one hint line, exit status 2.
class usage_error : public error {
public:
  usage_error(const std::string &what, std::string hint = "")
      : error(what), hint_(std::move(hint)) {}
  const std::string &hint() const { return hint_; }

private:
  std::string hint_;
};

inline constexpr const char *flags_hint = "gradlaws --help describes the flags";
inline constexpr const char *entries_hint = "gradlaws list shows the catalogue's entries";

/// "did you mean 'X'? (fallback)" when `name` looks like a typo of a known name, else fallback.
std::string suggestion(const std::string &name, const std::vector<std::string> &known,
                       const std::string &fallback);

/// One line naming the problem, then a hint line when there is a hint.
void print_error(std::ostream &err, const error &e);

} // namespace gradlaws::cli
