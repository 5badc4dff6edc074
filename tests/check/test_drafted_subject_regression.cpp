// Drafted by gradlaws from the shrunk counterexample of missing_1_N/linearity.tanh_double:
// the law linearity failed on 'missing 1/N' in tanh_double.
// Define my_subject() to return the subject as you hand it to check().
#include <gradlaws/checks.hpp>
#include <gradlaws/gradlaws.hpp>
#include <gradlaws/report.hpp>
#include <gtest/gtest.h>

gradlaws::gradient_subject my_subject();

TEST(GradlawsRegression, missing_1_N_linearity_tanh_double) {
  using namespace gradlaws;
  using T = exact;
  const gradient_subject subject = my_subject();
  const model m = gradlaws::model(1, {
    std::make_shared<gradlaws::dense>(1, 1),
    std::make_shared<gradlaws::activation_layer>(1, gradlaws::find_activation("tanh")),
    std::make_shared<gradlaws::dense>(1, 1)},
    gradlaws::find_loss("mse"));
  const vec<T> theta = vector_of<T>({"0", "0", "0", "0"});
  const mat<T> x = matrix_of<T>(1, 2, {"0", "0"});
  const mat<T> y = matrix_of<T>(1, 2, {"0", "1"});
  const problem p{m, theta, x, y, rung::machine};
  const run_result r =
      check_case(subject, p, {.laws = {"linearity"}, .variants = {"tanh_double"}});
  EXPECT_TRUE(r.passed) << render_text(r, timings::omitted);
}

// Above: the test as drafted by SubjectRegression.AFailingSubjectsReportDraftsATestThatReplays…
// (compiled as drafted). Below: the subject after the fix, which passes it; the subject before
// the fix fails the same replay (SubjectRegression.CheckCaseReplaysOneCase…).
gradlaws::gradient_subject my_subject() {
  return gradlaws::make_gradient_subject(
      "missing 1/N, fixed", [](const gradlaws::model &m, const gradlaws::vec<double> &theta,
                               const gradlaws::mat<double> &x, const gradlaws::mat<double> &y,
                               const gradlaws::reduction &r) {
        return gradlaws::gradient<double>(m, theta, x, y, r);
      });
}
