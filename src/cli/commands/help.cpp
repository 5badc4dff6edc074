// gradlaws help and gradlaws version.

#include "commands.hpp"
#include "../cli.hpp"

#include <ostream>

namespace gradlaws::cli {

int run_help(const options &, std::ostream &out, std::ostream &) {
  out << usage();
  return 0;
}

int run_version(const options &, std::ostream &out, std::ostream &) {
  out << version_line() << "\n";
  return 0;
}

} // namespace gradlaws::cli
