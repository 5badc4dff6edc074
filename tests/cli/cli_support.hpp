#pragma once
// Helpers shared by the command line's tests: run the command line on strings, read files.

#include "cli.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace cli_support {

/// What a command line printed, and its exit status.
struct outcome {
  int status;
  std::string out, err;
};

/// gradlaws::cli::run on `args`, its streams captured.
inline outcome run(const std::vector<std::string> &args) {
  std::ostringstream out, err;
  const int status = gradlaws::cli::run(args, out, err);
  return {status, out.str(), err.str()};
}

/// The whole of a file ("" if it cannot be read).
inline std::string slurp(const std::string &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

} // namespace cli_support
