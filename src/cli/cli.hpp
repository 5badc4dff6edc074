#pragma once
// The gradlaws command line as a function, so that tests can drive it.

#include <iosfwd>
#include <string>
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

} // namespace gradlaws::cli
