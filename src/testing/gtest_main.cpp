// main() for a GoogleTest binary of gradlaws checks: checks the environment (RC_PARAMS,
// GRADLAWS_DIGITS) once, before any test, so a malformed setting is one clear message rather
// than a failure in every test.

#include <gradlaws/catalogue.hpp>
#include <gradlaws/error.hpp>

#include <gtest/gtest.h>

#include <iostream>

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  try {
    (void)gradlaws::options_from_environment();
  } catch (const gradlaws::error &e) {
    std::cerr << "gradlaws: " << e.what() << "\n";
    return 2;
  }
  return RUN_ALL_TESTS();
}
