// A failure of the user's own subject comes with a drafted GoogleTest test: the shrunk case's
// exact values, replayed on the subject by check_case (the catalogue's fallacies draft theirs
// over gradlaws's own functions). check() on several worker processes returns what it returns
// on one.

#include <gradlaws/checks.hpp>
#include <gradlaws/literals.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"
#include "tests_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace gradlaws {
namespace {

gradient_subject subject_of(std::string name, bool forgets_one_over_n) {
  return make_gradient_subject(std::move(name), [forgets_one_over_n](
                                                    const model &m, const vec<double> &theta,
                                                    const mat<double> &x, const mat<double> &y,
                                                    const reduction &r) {
    return gradient<double>(m, theta, x, y, forgets_one_over_n ? reduction::sum() : r);
  });
}

check_options linearity_in(std::string variant) {
  run_options r;
  r.cases = 25;
  r.seed = 7;
  return {r, {"linearity"}, {std::move(variant)}};
}

TEST(SubjectRegression, AFailingSubjectsReportDraftsATestThatReplaysTheShrunkCaseOnIt) {
  const auto results = check(subject_of("missing 1/N", true), linearity_in("tanh_double"));
  ASSERT_EQ(results.size(), 1u);
  ASSERT_FALSE(results[0].passed);
  const std::string &draft = results[0].regression;
  EXPECT_MESSAGE(draft, "TEST(GradlawsRegression, missing_1_N_linearity_tanh_double)");
  EXPECT_MESSAGE(draft, "gradlaws::gradient_subject my_subject();");
  EXPECT_MESSAGE(draft, "const model m = gradlaws::model(");
  EXPECT_MESSAGE(draft, "const vec<T> theta = vector_of<T>({");
  EXPECT_MESSAGE(draft, "const mat<T> x = matrix_of<T>(");
  EXPECT_MESSAGE(draft, "check_case(subject, p, {.laws = {\"linearity\"}, .variants = {\"tanh_double\"}})");
  // test_drafted_subject_regression.cpp begins with this draft, compiled and run with the
  // subject after the fix.
  std::ifstream in(std::string(GRADLAWS_TESTS_DIR) + "/check/test_drafted_subject_regression.cpp");
  std::stringstream compiled;
  compiled << in.rdbuf();
  EXPECT_EQ(compiled.str().substr(0, draft.size()), draft);
  // The report shows it.
  EXPECT_MESSAGE(render_text(results[0], timings::omitted), "check_case(subject, p");
  // A passing subject has nothing to draft.
  for (const run_result &r : check(subject_of("right", false), linearity_in("tanh_double")))
    EXPECT_EQ(r.regression, "");
}

TEST(SubjectRegression, CheckCaseReplaysOneCaseOnTheSubjectFailingTheBugAndPassingTheFix) {
  // The drafted case: tanh between two 1×1 dense layers at θ = 0, x = (0, 0), y = (0, 1).
  const model m = make_mlp(1, {1}, {"tanh"}, 1, "mse");
  const problem p{m, vector_of<exact>({"0", "0", "0", "0"}), matrix_of<exact>(1, 2, {"0", "0"}),
                  matrix_of<exact>(1, 2, {"0", "1"}), rung::machine};
  const check_options o{{}, {"linearity"}, {"tanh_double"}};
  const run_result bug = check_case(subject_of("missing 1/N", true), p, o);
  EXPECT_FALSE(bug.passed) << render_text(bug);
  EXPECT_EQ(bug.regression, "");
  const run_result fixed = check_case(subject_of("right", false), p, o);
  EXPECT_TRUE(fixed.passed) << render_text(fixed);
  EXPECT_EQ(fixed.cases, 1);
}

TEST(SubjectRegression, CheckCaseNamesWhatItCannotReplay) {
  const model m = make_mlp(1, {}, {}, 1, "mse");
  const problem p{m, vector_of<exact>({"1", "0"}), matrix_of<exact>(1, 1, {"0"}),
                  matrix_of<exact>(1, 1, {"1"}), rung::machine};
  const gradient_subject s = subject_of("right", false);
  EXPECT_MESSAGE(testing_support::message_of<error>(
                     [&] { (void)check_case(s, p, {{}, {"linearity", "reduction_scale"}, {"identity_double"}}); }),
                 "replays one law on one variant");
  EXPECT_MESSAGE(testing_support::message_of<error>([&] {
                   (void)check_case(s, p, {{}, {"permutation_invariance"}, {"identity_double"}});
                 }),
                 "draws cases of its own kind");
  EXPECT_THROW((void)check_case(s, p, {{}, {"no_such_law"}, {"identity_double"}}), unknown_name_error);
}

TEST(CheckJobs, TwoWorkerProcessesGiveTheSameResultsInTheSameOrder) {
  for (const bool bug : {false, true}) {
    check_options o{{}, {"linearity", "reduction_scale", "weighted_mean"},
                    {"tanh_double", "relu_double", "sigmoid_double"}};
    run_options r;
    r.cases = 25;
    o.run = r;
    const gradient_subject s = subject_of(bug ? "missing 1/N" : "right", bug);
    o.jobs = 1;
    const auto one = check(s, o);
    o.jobs = 2;
    const auto two = check(s, o);
    ASSERT_EQ(one.size(), 9u);
    EXPECT_EQ(testing_support::without_times(one), testing_support::without_times(two));
    EXPECT_EQ(one[0].passed, !bug);
  }
}

TEST(CheckJobs, TheEnvironmentGivesTheJobsAndABadValueIsNamed) {
  check_options o{{}, {"linearity"}, {"tanh_double"}};
  ::setenv("GRADLAWS_JOBS", "two", 1);
  EXPECT_MESSAGE(testing_support::message_of<error>([&] { (void)check(subject_of("right", false), o); }),
                 "GRADLAWS_JOBS='two' is not a positive number of processes");
  ::setenv("GRADLAWS_JOBS", "2", 1);
  EXPECT_EQ(check(subject_of("right", false), o).size(), 1u);
  ::unsetenv("GRADLAWS_JOBS");
  o.jobs = -1;
  EXPECT_MESSAGE(testing_support::message_of<error>([&] { (void)check(subject_of("right", false), o); }),
                 "check_options::jobs = -1");
}

} // namespace
} // namespace gradlaws
