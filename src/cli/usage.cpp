// The text of --help, laid out from the tables: the commands (the default one first) with their
// arguments and descriptions, then the flags not described with their command.

#include "cli.hpp"
#include "table.hpp"
#include "terminal.hpp"

namespace gradlaws::cli {

namespace {

constexpr std::size_t synopsis_width = 28, flag_width = 16;

/// `left` padded to `width` columns (two spaces in), then `help`, its later lines indented to
/// the same column.
std::string two_columns(const std::vector<std::string> &left, std::string_view help,
                        std::size_t width) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= help.size();) {
    const std::size_t end = std::min(help.find('\n', at), help.size());
    lines.push_back(help.substr(at, end - at));
    at = end + 1;
  }
  std::string out;
  for (std::size_t k = 0; k < std::max(left.size(), lines.size()); ++k)
    out += "  " + pad(k < left.size() ? left[k] : "", width) +
           std::string(k < lines.size() ? lines[k] : "") + "\n";
  return out;
}

std::string command_lines(const command_spec &c) {
  std::string out;
  for (const usage_row &row : c.usage) {
    std::vector<std::string> left;
    for (const std::string_view s : row.synopsis)
      left.push_back((left.empty() ? std::string(c.name) : std::string(c.name.size(), ' ')) +
                     " " + std::string(s));
    if (left.empty()) left.emplace_back(c.name);
    out += two_columns(left, row.help, synopsis_width);
  }
  return out;
}

} // namespace

std::string usage() {
  std::string text = "usage: gradlaws [COMMAND] [FLAGS]\n\ncommands:\n";
  text += command_lines(*find_command(default_command()));
  for (const command_spec &c : command_table())
    if (c.name != default_command()) text += command_lines(c);
  text += "\nflags:\n";
  for (const std::string_view name : flags_in_help()) {
    const flag_spec &f = *find_flag(name);
    const std::string value = f.value.empty() ? "" : " " + std::string(f.value);
    text += two_columns({std::string(f.name) + value}, f.help, flag_width);
  }
  return text;
}

} // namespace gradlaws::cli
