// The command line's tables: usage, refusals and completion are derived from them, so every
// row shows up in each.

#include "cli.hpp"
#include "table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace {

using namespace gradlaws::cli;

struct refusal {
  int status;
  std::string err;
};

refusal check(const std::vector<std::string> &args) {
  std::ostringstream err;
  const int status = check_arguments(args, err);
  return {status, err.str()};
}

/// The words before a flag that make a command line `command` accepts.
std::vector<std::string> line_of(std::string_view command) {
  if (command == "check") return {"check", "linearity"};
  return {std::string(command)};
}

/// A value `flag` accepts.
std::string good_value(const flag_spec &flag) {
  if (flag.kind == value_kind::number) return std::to_string(flag.lo);
  if (flag.kind == value_kind::choice) return flag.choices.front();
  return flag.name == "--variant" ? "relu_exact" : "x.md";
}

/// `flag` (and a value it accepts) after `line`.
std::vector<std::string> with(std::vector<std::string> line, const flag_spec &flag) {
  line.emplace_back(flag.name);
  if (flag.kind != value_kind::none) line.push_back(good_value(flag));
  return line;
}

std::string_view first_command_of(const flag_spec &flag) {
  return flag.commands.empty() ? std::string_view("list") : flag.commands.front();
}

TEST(CliTable, EveryCommandAndEveryFlagAppearsInTheUsage) {
  const std::string text = usage();
  for (const command_spec &c : command_table()) {
    const std::string after = c.usage.front().synopsis.empty() ? "  " : " ";
    EXPECT_NE(text.find("\n  " + std::string(c.name) + after), std::string::npos) << c.name;
  }
  for (const flag_spec &f : flag_table())
    EXPECT_NE(text.find(std::string(f.name)), std::string::npos) << f.name;
  for (const std::string_view name : flags_in_help())
    EXPECT_NE(text.find("\n  " + std::string(name) + " "), std::string::npos) << name;
}

TEST(CliTable, TheTablesNameOnlyWhatTheyHold) {
  for (const flag_spec &f : flag_table()) {
    EXPECT_EQ(find_flag(f.name), &f) << f.name; // one row per name
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_EQ(f.kind == value_kind::none, f.value.empty()) << f.name;
    EXPECT_EQ(f.kind == value_kind::choice, !f.choices.empty()) << f.name;
    for (const std::string_view c : f.commands)
      EXPECT_NE(find_command(c), nullptr) << f.name << " " << c;
    // A flag that goes with some commands only is checked in a known order.
    if (!f.commands.empty()) {
      EXPECT_NE(std::find(flag_check_order().begin(), flag_check_order().end(), f.name),
                flag_check_order().end()) << f.name;
    }
  }
  for (const std::string_view name : flags_in_help()) EXPECT_NE(find_flag(name), nullptr) << name;
  for (const command_spec &c : command_table()) {
    EXPECT_EQ(find_command(c.name), &c) << c.name;
    EXPECT_NE(c.run, nullptr) << c.name;
    EXPECT_FALSE(c.usage.empty()) << c.name;
  }
  EXPECT_NE(find_command(default_command()), nullptr);
}

TEST(CliTable, EveryFlagsErrorNamesTheFlag) {
  for (const flag_spec &f : flag_table()) {
    const std::string name(f.name);
    const std::vector<std::string> line = line_of(first_command_of(f));
    std::vector<std::string> twice = with(with(line, f), f);
    const auto repeated = check(twice);
    EXPECT_EQ(repeated.status, 2) << name;
    EXPECT_EQ(repeated.err.rfind("gradlaws: " + name + " is given twice\n", 0), 0u) << repeated.err;
    std::vector<std::string> bad = line;
    bad.push_back(name + "=1");
    std::string expected = "gradlaws: unknown flag '" + name + "=1'\n";
    if (f.kind != value_kind::none) {
      bad = line;
      bad.insert(bad.end(), {name, "nonsense"});
      const bool number = f.kind == value_kind::number;
      expected = "gradlaws: " + name + (number ? " needs a whole number" : " is ");
      std::vector<std::string> missing = line;
      missing.push_back(name);
      EXPECT_EQ(check(missing).err.rfind("gradlaws: " + name + " needs a value\n", 0), 0u) << name;
    }
    if (f.kind == value_kind::text) continue; // any word is a text value
    const auto r = check(bad);
    EXPECT_EQ(r.status, 2) << name;
    EXPECT_EQ(r.err.rfind(expected, 0), 0u) << r.err;
  }
}

TEST(CliTable, AFlagGivenToACommandThatDoesNotTakeItIsRefusedNamingBoth) {
  std::size_t refused = 0;
  for (const flag_spec &f : flag_table())
    for (const command_spec &c : command_table()) {
      if (c.answers_anything) continue; // help and version answer whatever follows
      std::vector<std::string> args = with(line_of(c.name), f);
      const bool processes = f.name == "--jobs" || f.name == "--timeout" || f.name == "--progress";
      if (c.name == "gallery" && processes) args.insert(args.end(), {"--seeds", "1"});
      const auto r = check(args);
      if (goes_with(f, c.name)) {
        EXPECT_EQ(r.status, 0) << c.name << " " << f.name << ": " << r.err;
        continue;
      }
      ++refused;
      EXPECT_EQ(r.status, 2) << c.name << " " << f.name;
      const std::string first_line = r.err.substr(0, r.err.find('\n'));
      EXPECT_EQ(first_line.rfind("gradlaws: " + std::string(f.name) + " goes with '", 0), 0u)
          << first_line;
      EXPECT_TRUE(first_line.ends_with(", not with '" + std::string(c.name) + "'")) << first_line;
    }
  EXPECT_GT(refused, 20u);
}

TEST(CliTable, CompletionComesFromTheTables) {
  for (const command_spec &c : command_table()) {
    const auto found = completions({}, c.name);
    EXPECT_NE(std::find(found.begin(), found.end(), c.name), found.end()) << c.name;
  }
  EXPECT_EQ(completions({}, "ch"), std::vector<std::string>{"check"});
  EXPECT_EQ(completions({"check"}, "--va"), std::vector<std::string>{"--variant"});
  EXPECT_EQ(completions({"list"}, "--va"), std::vector<std::string>{"--variants"});
  EXPECT_EQ(completions({"check", "linearity", "--format"}, "j"), std::vector<std::string>{"json"});
  EXPECT_EQ(completions({"list"}, "--color=a"),
            (std::vector<std::string>{"--color=auto", "--color=always"}));
  EXPECT_TRUE(completions({"check", "--seed"}, "").empty()); // a number: nothing to offer
  EXPECT_TRUE(completions({"report", "--out", "x.md"}, "--o").empty()); // given already
  EXPECT_EQ(completions({"sweep"}, "--se"), (std::vector<std::string>{"--seed", "--seeds"}));
  // Every flag a command's completion offers is one the command takes.
  for (const command_spec &c : command_table())
    for (const std::string &flag : completions({std::string(c.name)}, "--"))
      EXPECT_TRUE(goes_with(*find_flag(flag), c.name)) << c.name << " " << flag;
}

} // namespace
