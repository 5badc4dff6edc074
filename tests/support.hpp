#pragma once
// Helpers shared by the unit tests.

#include <gtest/gtest.h>

#include <exception>
#include <string>

namespace gradlaws::testing_support {

/// True if `needle` occurs in `text`.
inline bool contains(const std::string &text, const std::string &needle) {
  return text.find(needle) != std::string::npos;
}

/// The message of the E that f throws; fails the test if f throws nothing or something else.
template <class E, class F> std::string message_of(F &&f) {
  try {
    f();
  } catch (const E &e) {
    return e.what();
  } catch (const std::exception &e) {
    ADD_FAILURE() << "threw the wrong type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

} // namespace gradlaws::testing_support

/// Expects `needle` in the error message `text`, showing the whole message otherwise.
#define EXPECT_MESSAGE(text, needle)                                                          \
  EXPECT_NE((text).find(needle), std::string::npos) << "message: " << (text)
