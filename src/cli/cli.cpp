// The command line's entry points: parse against the tables, resolve the names, run the
// command's function.

#include "cli.hpp"
#include "options.hpp"
#include "commands/commands.hpp"
#include "output.hpp"
#include "table.hpp"

#include <algorithm>
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

namespace {
/// `gradlaws gallery --torch` in a gradlaws without libtorch cases: the gradlaws-torch beside
/// it (a build with libtorch adds it) runs them. Returns only when there is none.
void hand_to_torch_build(const std::vector<std::string> &args) {
  const bool gallery = !args.empty() && args[0] == "gallery";
  if (!gallery || std::find(args.begin(), args.end(), "--torch") == args.end() || has_torch_cases())
    return;
  std::vector<char> self(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return;
  std::string path(self.data(), std::size_t(n));
  path = path.substr(0, path.rfind('/') + 1) + "gradlaws-torch";
  if (access(path.c_str(), X_OK) != 0) return;
  std::vector<std::string> all{path};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (std::string &a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(path.c_str(), argv.data());
}
} // namespace

int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
  open_standard_streams(); // before any file is opened
  if (&out == &std::cout) hand_to_torch_build(args);
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
