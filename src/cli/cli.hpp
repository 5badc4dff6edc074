#pragma once
// The gradlaws command line as a function, so that tests can drive it.

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws::cli {

/// Runs the command line on `args` (without the program name). Returns the exit status:
/// 0 when everything run passed, 1 when something failed, 2 on a usage error.
int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

/// Checks `args` as run() would — commands, flags, their values and names — without running
/// anything. Returns 0 if run() would start work, 2 (with the message on err) if it would
/// refuse. For tests and the fuzz target.
int check_arguments(const std::vector<std::string> &args, std::ostream &err);

/// The usage text.
std::string usage();

/// What can stand in place of `partial` after the words `before` (without the program name),
/// from the tables, for a shell's completion: after a flag that takes one of a few values,
/// those values; else the flags that go with the command and are not given yet, and at the
/// start of the line the commands. Only the candidates that begin with `partial`, in the
/// tables' order.
std::vector<std::string> completions(const std::vector<std::string> &before,
                                     std::string_view partial);

/// "gradlaws <version>", the project's version as CMake knows it.
std::string version_line();

// Helpers of the terminal output, exposed for tests.

/// Damerau–Levenshtein distance (optimal string alignment) between two names, byte by byte:
/// insertions, deletions, substitutions and swaps of two adjacent characters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The known name `name` is most likely a typo of: the closest one at most max(2, size/3)
/// edits away (and fewer edits than `name` has characters), else the only known name that
/// begins with `name` (3 characters or more); nothing when there is no such name.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &known);

/// Whether to colour a stream. `when` is "always", "never" or "auto": auto colours a terminal
/// unless NO_COLOR is set to a non-empty value (no-color.org) or TERM is "dumb". The
/// environment values may be null (unset).
bool colour_wanted(std::string_view when, bool terminal, const char *no_color, const char *term);

} // namespace gradlaws::cli
