#pragma once
// Approval tests: a rendering must match its golden file in tests/golden/ byte for byte.
// Regenerate the files after an intended format change with GRADLAWS_UPDATE_GOLDEN=1.

#include <gtest/gtest.h>

#include "tests_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace golden {

inline std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string path(const std::string &name) { return std::string(GRADLAWS_GOLDEN_DIR) + "/" + name; }

inline void expect(const std::string &name, const std::string &actual) {
  if (std::getenv("GRADLAWS_UPDATE_GOLDEN")) {
    std::ofstream(path(name)) << actual;
    GTEST_SKIP() << "updated " << name;
  }
  const std::string expected = read_file(path(name));
  ASSERT_FALSE(expected.empty()) << "missing golden file " << name
                                 << "; run with GRADLAWS_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(actual, expected) << "the report format changed; if intended, regenerate with "
                                 "GRADLAWS_UPDATE_GOLDEN=1";
}

} // namespace golden
