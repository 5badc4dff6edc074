#pragma once
// GoogleTest glue for checking the user's code: runs check() (gradlaws/checks.hpp) inside the
// current test and adds one GoogleTest failure per law and variant that did not pass, with its
// full report — the shrunk counterexample, both sides, the verdict and its bound, and a
// reproduce line that reruns this test of this binary.
//
//   TEST(MyGradient, ObeysTheLaws) {
//     GRADLAWS_EXPECT_LAWS(gradlaws::make_gradient_subject("my gradient", my_gradient));
//   }
//
// Link gradlaws::gtest_main for a main() that also checks RC_PARAMS before any test runs.

#include "gradlaws/checks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gradlaws {

/// check(s, o) reported to GoogleTest at file:line; returns the results.
std::vector<run_result> expect_laws_at(const char *file, int line, const gradient_subject &s,
                                       check_options o = {});
std::vector<run_result> expect_laws_at(const char *file, int line, const backward_subject &s,
                                       check_options o = {});

} // namespace gradlaws

/// Checks a subject against every law that applies: GRADLAWS_EXPECT_LAWS(subject[, options]).
#define GRADLAWS_EXPECT_LAWS(...) ::gradlaws::expect_laws_at(__FILE__, __LINE__, __VA_ARGS__)
