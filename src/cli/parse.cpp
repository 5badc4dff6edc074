// The parser: generic over the tables of table.cpp. It reads the command, then every flag and
// its value in order, then checks the operands and which flags go with the command, so that
// each refusal names the first problem in that order, before anything runs.

#include "options.hpp"
#include "table.hpp"

#include <algorithm>
#include <charconv>

namespace gradlaws::cli {

namespace {

const char *const which_flags_hint = "gradlaws --help shows which flags go with which command";

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const command_spec &c : command_table()) names.emplace_back(c.name);
  return names;
}

std::vector<std::string> flag_names() {
  std::vector<std::string> names;
  for (const flag_spec &f : flag_table()) names.emplace_back(f.name);
  return names;
}

/// "'a', 'b' or 'c'" (or "'a' or 'b' or 'c'").
std::string quoted(const std::vector<std::string> &items, bool or_between_each = false) {
  std::string list;
  for (std::size_t i = 0; i < items.size(); ++i)
    list += std::string(i == 0 ? "'" : i + 1 < items.size() && !or_between_each ? ", '" : " or '") +
            items[i] + "'";
  return list;
}

flag_value number_of(const flag_spec &f, const std::string &text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < f.lo || v > f.hi)
    throw usage_error(std::string(f.name) + " needs a whole number in [" + std::to_string(f.lo) +
                          ", " + std::to_string(f.hi) + "], got '" + text + "'",
                      f.why ? f.why() : flags_hint);
  return {text, v};
}

flag_value choice_of(const flag_spec &f, const std::string &text) {
  if (std::find(f.choices.begin(), f.choices.end(), text) != f.choices.end()) return {text};
  throw usage_error(std::string(f.name) + " is " + quoted(f.choices) + ", got '" + text + "'",
                    suggestion(text, f.choices, flags_hint));
}

[[noreturn]] void unknown_flag(const std::string &a) {
  const std::string flag = a.substr(0, a.find('='));
  const auto names = flag_names();
  if (flag != a && std::find(names.begin(), names.end(), flag) != names.end())
    throw usage_error("unknown flag '" + a + "'",
                      "give the value after a space: " + flag + " " + a.substr(flag.size() + 1));
  throw usage_error("unknown flag '" + a + "'",
                    suggestion(flag, names, "gradlaws --help lists the flags"));
}

/// A flag as written: its row, the value written after '=' (when the flag allows it), and
/// whether it was written by its alias.
struct written_flag {
  const flag_spec *spec = nullptr;
  std::optional<std::string> attached;
  bool by_alias = false;
};

written_flag flag_written(const std::string &a) {
  for (const flag_spec &f : flag_table()) {
    if (a == f.name) return {&f};
    if (!f.alias.empty() && a == f.alias) return {&f, std::nullopt, true};
    if (f.attached && a.size() > f.name.size() && a.compare(0, f.name.size(), f.name) == 0 &&
        a[f.name.size()] == '=')
      return {&f, a.substr(f.name.size() + 1)};
  }
  unknown_flag(a);
}

/// The value of the flag at args[i], which may be the next argument (then i moves to it).
std::string value_text(const written_flag &w, const std::vector<std::string> &args,
                       std::size_t &i) {
  if (w.attached) return *w.attached;
  const std::string name(w.spec->name);
  const std::string hint =
      "write it as '" + name + " " + std::string(w.spec->value) + "' (" + flags_hint + ")";
  if (i + 1 >= args.size()) throw usage_error(name + " needs a value", hint);
  const std::string &v = args[i + 1];
  // A value that looks like a flag is a missing value, not a file named "--no-timings".
  if (v.rfind("--", 0) == 0)
    throw usage_error(name + " needs a value, got the flag '" + v + "'", hint);
  return args[++i];
}

/// Reads the flag at args[i] (and its value) into `o`; returns its row.
const flag_spec &read_flag(const std::vector<std::string> &args, std::size_t &i, options &o) {
  const written_flag w = flag_written(args[i]);
  const flag_spec &f = *w.spec;
  if (!w.by_alias) {
    if (o.has(f.name))
      throw usage_error(std::string(f.name) + " is given twice", "give each flag once");
    o.given.emplace_back(f.name);
  }
  flag_value v;
  if (f.kind == value_kind::number) v = number_of(f, value_text(w, args, i));
  else if (f.kind == value_kind::choice) v = choice_of(f, value_text(w, args, i));
  else if (f.kind == value_kind::text) v.text = value_text(w, args, i);
  if (f.set) f.set(o, v);
  return f;
}

void check_operands(const options &o, const command_spec &c) {
  if (c.takes == operands::none && !o.names.empty()) {
    std::vector<std::string> takers;
    for (const command_spec &t : command_table())
      if (t.takes == operands::names) takers.emplace_back(t.name);
    std::string list;
    for (std::size_t i = 0; i < takers.size(); ++i)
      list += (i == 0 ? "" : i + 1 < takers.size() ? ", " : " and ") + takers[i];
    throw usage_error("'" + o.command + "' takes no names, got '" + o.names.front() + "'",
                      "names go with " + list);
  }
  if (c.check_operands) c.check_operands(o);
}

/// A flag that does not go with the command is an error, not silently ignored.
void check_flags_go_with(const options &o, const command_spec &c) {
  std::vector<const flag_spec *> order;
  for (const std::string_view name : flag_check_order()) order.push_back(find_flag(name));
  for (const flag_spec &f : flag_table())
    if (std::find(order.begin(), order.end(), &f) == order.end()) order.push_back(&f);
  for (const flag_spec *f : order) {
    if (!o.has(f->name) || goes_with(*f, c.name)) continue;
    std::vector<std::string> with; // in the command table's order
    for (const command_spec &t : command_table())
      if (goes_with(*f, t.name)) with.emplace_back(t.name);
    throw usage_error(std::string(f->name) + " goes with " + quoted(with, f->or_between_each) +
                          ", not with '" + o.command + "'",
                      which_flags_hint);
  }
  if (c.check_flags) c.check_flags(o);
}

} // namespace

options parse(const std::vector<std::string> &args) {
  options o;
  o.run = options_from_environment(); // RC_PARAMS and GRADLAWS_DIGITS; flags override them
  std::size_t i = 0;
  if (!args.empty() && args[0].rfind("-", 0) != 0) o.command = args[i++];
  else o.command = default_command();
  if (!find_command(o.command))
    throw usage_error("unknown command '" + o.command + "'",
                      suggestion(o.command, command_names(), "gradlaws --help lists the commands"));
  std::vector<const flag_spec *> read;
  for (; i < args.size(); ++i)
    if (args[i].rfind("-", 0) == 0) read.push_back(&read_flag(args, i, o));
    else o.names.push_back(args[i]);
  // Help and version answer whatever else is on the line (its flags were still checked).
  for (const flag_spec &f : flag_table())
    if (!f.instead.empty() && std::find(read.begin(), read.end(), &f) != read.end()) {
      o.command = f.instead;
      break;
    }
  const command_spec &c = *find_command(o.command);
  if (c.answers_anything) return o;
  check_operands(o, c);
  check_flags_go_with(o, c);
  return o;
}

} // namespace gradlaws::cli
