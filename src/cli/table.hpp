#pragma once
// The command line as data: every command and every flag, with what each takes, which commands
// each flag goes with, and the words of --help. The parser (parse.cpp), the usage text
// (usage.cpp) and completion (completion.cpp) read these tables and name no command or flag
// themselves, so that a new command is a row here and a function in commands/, and a new flag
// a row here and the field of `options` it sets.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws::cli {

struct options;

/// What follows a command as plain words (not flags).
enum class operands {
  none,    ///< nothing: a word is an error
  names,   ///< catalogue entries or gallery cases
  registry ///< the name of a registry (list)
};

/// One line of the commands section of --help: the command's arguments (continuation lines
/// aligned under the first) and its description, with the line breaks it is printed with.
struct usage_row {
  std::vector<std::string_view> synopsis;
  std::string_view help;
};

struct command_spec {
  std::string_view name;
  std::vector<usage_row> usage;
  operands takes = operands::none;
  /// Runs the command; returns the exit status (0 passed, 1 something failed).
  int (*run)(const options &, std::ostream &out, std::ostream &err) = nullptr;
  /// Checks the operands further, before the flags are checked against the command.
  void (*check_operands)(const options &) = nullptr;
  /// Checks what the table cannot say, after the flags are checked against the command.
  void (*check_flags)(const options &) = nullptr;
  /// Resolves the names it was given (entries, variants, gallery cases) before any work.
  void (*resolve)(const options &) = nullptr;
  /// Help and version answer whatever else is on the line (its flags still checked).
  bool answers_anything = false;
};

enum class value_kind {
  none,   ///< a switch
  number, ///< a whole number in [lo, hi]
  text,   ///< any word that is not a flag
  choice  ///< one of `choices`
};

/// A flag's value as the parser checked it: the text, and its number for value_kind::number.
struct flag_value {
  std::string text;
  std::uint64_t number = 0;
};

struct flag_spec {
  std::string_view name;  ///< "--seed"
  std::string_view value; ///< the value's name in help and hints ("N"); "" for a switch
  value_kind kind = value_kind::none;
  std::uint64_t lo = 0, hi = 0;           ///< value_kind::number
  std::vector<std::string> choices;       ///< value_kind::choice, in the order errors list them
  std::vector<std::string_view> commands; ///< the commands it goes with; empty: every one
  /// "goes with" joins its commands as "'a' or 'b' or 'c'" (as --jobs and --seeds always
  /// have) instead of "'a', 'b' or 'c'".
  bool or_between_each = false;
  std::string_view help;                  ///< one line or more, as --help prints it
  /// value_kind::number: why the bounds are what they are, the hint of a refused value
  /// (else the hint points at --help).
  std::string (*why)() = nullptr;
  std::string_view alias;                 ///< another spelling ("-h"), never "given twice"
  bool attached = false;                  ///< the value may also follow '=' (--color=WHEN)
  /// The command it stands for (--help: "help"), which answers whatever else is given.
  std::string_view instead;
  void (*set)(options &, const flag_value &) = nullptr;
};

/// Every command, in the order a typo's ties are broken and "goes with" lists them.
const std::vector<command_spec> &command_table();
/// The command run when none is named.
std::string_view default_command();
/// Every flag, in the order a typo's ties are broken.
const std::vector<flag_spec> &flag_table();
/// The flags the flags section of --help describes, in its order (the others are described
/// with their command).
const std::vector<std::string_view> &flags_in_help();
/// The order flags are checked against the command: when several do not go with it, the
/// first of these is the one named.
const std::vector<std::string_view> &flag_check_order();

/// The row of a command or a flag (by its name or alias); null when there is none.
const command_spec *find_command(std::string_view name);
const flag_spec *find_flag(std::string_view name);

/// Whether `flag` goes with `command`.
bool goes_with(const flag_spec &flag, std::string_view command);

} // namespace gradlaws::cli
