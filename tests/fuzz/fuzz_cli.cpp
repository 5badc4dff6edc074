// libFuzzer target: the command line's argument checking. The input is split at NUL bytes into
// at most 12 arguments; every input must end in status 0 or 2 with a message, never a crash,
// a sanitizer report or an exception other than gradlaws::error.

#include "cli.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size && args.size() <= 12; ++i) {
    if (data[i] == 0) args.emplace_back();
    else args.back() += char(data[i]);
  }
  std::ostringstream err;
  const int status = gradlaws::cli::check_arguments(args, err);
  if (status != 0 && status != 2) __builtin_trap();
  if (status == 2 && err.str().empty()) __builtin_trap(); // a refusal always says why
  return 0;
}
