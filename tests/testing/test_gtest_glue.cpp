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

/// A hand-written accumulation step: each micro-batch's summed loss divided by the number of
/// valid examples in the whole batch (correct), or by the micro-batch's own count (the bug).
pipeline_subject step(bool bug) {
  return make_pipeline_subject(
      bug ? "micro-batch means" : "global count",
      [bug](const model &m, const vec<double> &theta, const mat<double> &x, const mat<double> &y,
            const layout &l) {
        vec<double> g = vec<double>::Zero(theta.size());
        for (std::size_t k = 0; k < l.groups.size(); ++k) {
          std::vector<exact> c(l.size(), exact(0));
          for (std::size_t i = l.begin(k); i < l.begin(k) + l.groups[k]; ++i)
            if (l.counts(i)) c[i] = exact(1, long(bug ? l.valid_in(k) : l.valid_count()));
          if (l.valid_in(k) > 0) g += gradient<double>(m, theta, x, y, reduction::given(c));
        }
        return g;
      });
}

check_options pipeline_few() {
  run_options r;
  r.cases = 20;
  r.seed = 3;
  return {.run = r, .pipeline = strategy_family::accumulation};
}

TEST(GtestGlue, APipelineSubjectRunsItsFamilysLaws) {
  const auto results = GRADLAWS_EXPECT_LAWS(step(false), pipeline_few());
  EXPECT_GE(results.size(), 3u);
  check_options one = pipeline_few();
  one.laws = {"accumulation_correct"};
  one.variants = {"accumulate_weighted_double"};
  EXPECT_NONFATAL_FAILURE(GRADLAWS_EXPECT_LAWS(step(true), one), "weights given (probed)");
}

TEST(GtestGlue, ARegisteredActivationIsCheckedByEveryLawOverIt) {
  run_options o;
  o.cases = 10;
  const auto results = GRADLAWS_EXPECT_LAWS_OF("softsign", o);
  EXPECT_GE(results.size(), 10u); // linearity, oracle, scale, accumulation, … and the fallacy
  EXPECT_NONFATAL_FAILURE(GRADLAWS_EXPECT_LAWS_OF("no_such_activation", o), "no catalogue law");
}

} // namespace
