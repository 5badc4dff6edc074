// Completion of command and flag names (and of a flag's choices) from the tables.

#include "cli.hpp"
#include "table.hpp"

#include <algorithm>

namespace gradlaws::cli {

namespace {

void add_if_begins(std::vector<std::string> &to, std::string word, std::string_view partial) {
  if (word.rfind(partial, 0) == 0) to.push_back(std::move(word));
}

} // namespace

std::vector<std::string> completions(const std::vector<std::string> &before,
                                     std::string_view partial) {
  std::vector<std::string> found;
  const flag_spec *last = before.empty() ? nullptr : find_flag(before.back());
  if (last && last->kind != value_kind::none) { // its value: only a choice can be completed
    for (const std::string &c : last->choices) add_if_begins(found, c, partial);
    return found;
  }
  for (const flag_spec &f : flag_table()) // --color=WHEN
    if (f.attached && partial.rfind(std::string(f.name) + "=", 0) == 0)
      for (const std::string &c : f.choices)
        add_if_begins(found, std::string(f.name) + "=" + c, partial);
  if (!found.empty()) return found;
  const bool first = before.empty();
  std::string_view command = default_command();
  if (!first && find_command(before.front())) command = before.front();
  if (first && partial.rfind("-", 0) != 0)
    for (const command_spec &c : command_table())
      add_if_begins(found, std::string(c.name), partial);
  for (const flag_spec &f : flag_table())
    if (goes_with(f, command) && std::find(before.begin(), before.end(), f.name) == before.end())
      add_if_begins(found, std::string(f.name), partial);
  return found;
}

} // namespace gradlaws::cli
