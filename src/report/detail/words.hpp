#pragma once
// Words and numbers that several formats say the same way: the outcome of a run, its seconds,
// the command that reruns it, a case on one line. Written once so that the text, Markdown and
// HTML reports cannot drift apart.

#include "gradlaws/catalogue.hpp"

#include <string>

namespace gradlaws::detail {

/// "; accuracy: …; your gelu: 31 ulp at z = -3.25 (double, 120 arguments)", or "" (machine rung).
std::string accuracy_words(const run_result &r);
/// "held on 100 cases (100 exactly equal)", "falsified after 18 passing cases and 2 shrinks,
/// as expected", "setup failure: …".
std::string outcome_words(const run_result &r);
/// The verdict on the shrunk case ("certified different"), or the status ("held").
std::string verdict_words(const run_result &r);
/// "0.12 s".
std::string seconds_string(double s);
/// What follows RC_PARAMS in a reproduce line: the user's own command, or the catalogue's test.
std::string rerun_command(const run_result &r);
/// Every line of text prefixed by pad.
std::string prefix_lines(const std::string &text, const std::string &pad);
/// Text on one line: newlines become "; ", runs of spaces one space.
std::string one_line(const std::string &text);
/// The shrunk case on one line ("—" for a law that held with none, else the message).
std::string one_line_case(const run_result &r);
/// Both sides of the shrunk case on one line: "left = …; right = …" ("" without a verdict).
std::string one_line_sides(const run_result &r);
/// At most `limit` bytes of s, cut between UTF-8 characters, then " …".
std::string capped(const std::string &s, std::size_t limit);

} // namespace gradlaws::detail
