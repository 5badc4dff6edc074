// The GoogleTest glue: GRADLAWS_EXPECT_LAWS runs every law on a subject inside a test, and a
// subject that breaks a law fails the test with its report and a reproduce line for this test.

#include <gradlaws/gtest.hpp>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace {

using namespace gradlaws;

check_options few(std::vector<std::string> variants) {
  run_options r;
  r.cases = 20;
  r.seed = 3;
  return {r, {"linearity", "reduction_scale"}, std::move(variants)};
}

gradient_subject by_hand(bool bug) {
  return make_gradient_subject(bug ? "summed, not averaged" : "correct",
                               [bug](const model &m, const vec<double> &theta, const mat<double> &x,
                                     const mat<double> &y, const reduction &r) {
                                 return gradient<double>(m, theta, x, y, bug ? reduction::sum() : r);
                               });
}

TEST(GtestGlue, ACorrectSubjectPasses) {
  const auto results = GRADLAWS_EXPECT_LAWS(by_hand(false), few({"sigmoid_double", "relu_double"}));
  EXPECT_EQ(results.size(), 4u);
}

TEST(GtestGlue, ABrokenSubjectFailsWithItsReportAndAReproduceLineForThisTest) {
  check_options o = few({"sigmoid_double"});
  o.laws = {"linearity"}; // one failure per broken law: one law here
  EXPECT_NONFATAL_FAILURE(GRADLAWS_EXPECT_LAWS(by_hand(true), o),
                          "--gtest_filter='GtestGlue.ABrokenSubjectFailsWithItsReportAndAReproduceLineForThisTest'");
  EXPECT_NONFATAL_FAILURE(GRADLAWS_EXPECT_LAWS(by_hand(true), o), "beyond rounding (double)");
}

TEST(GtestGlue, AnUnknownLawIsOneFailureNamingIt) {
  check_options o = few({});
  o.laws = {"linearty"};
  EXPECT_NONFATAL_FAILURE(GRADLAWS_EXPECT_LAWS(by_hand(false), o), "linearty");
}

} // namespace
