// The command line's entry points: parse against the tables, resolve the names, run the
// command's function.

#include "cli.hpp"
#include "options.hpp"
#include "output.hpp"
#include "table.hpp"

#include <cstdlib>
#include <iostream>

#include <unistd.h>

#ifndef GRADLAWS_VERSION
#define GRADLAWS_VERSION "unknown" // set by CMake from project(... VERSION ...)
#endif

namespace gradlaws::cli {

std::string version_line() { return std::string("gradlaws ") + GRADLAWS_VERSION; }

namespace {

/// The options of `args`, with every name they give resolved as the command will resolve it.
options checked(const std::vector<std::string> &args) {
  options o = parse(args);
  if (const command_spec &c = *find_command(o.command); c.resolve) c.resolve(o);
  return o;
}

} // namespace

int check_arguments(const std::vector<std::string> &args, std::ostream &err) {
  try {
    (void)checked(args);
    return 0;
  } catch (const error &e) {
    print_error(err, e);
    return 2;
  }
}

int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
  open_standard_streams(); // before any file is opened
  try {
    options o = checked(args);
    const char *no_color = std::getenv("NO_COLOR"), *term = std::getenv("TERM");
    o.err_terminal = &err == &std::cerr && isatty(STDERR_FILENO);
    o.colour_out = colour_wanted(o.colour, &out == &std::cout && isatty(STDOUT_FILENO), no_color, term);
    o.colour_err = colour_wanted(o.colour, o.err_terminal, no_color, term);
    const int status = find_command(o.command)->run(o, out, err);
    out.flush();
    if (!out) {
      err << "gradlaws: cannot write to the standard output\n";
      return 2;
    }
    return status;
  } catch (const error &e) {
    print_error(err, e);
    return 2;
  }
}

} // namespace gradlaws::cli
