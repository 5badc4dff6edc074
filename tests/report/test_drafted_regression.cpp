// Drafted by gradlaws from the shrunk counterexample of
// fallacy_gradient_at_mean_example.linear_regression.
#include <gradlaws/gradlaws.hpp>
#include <gtest/gtest.h>

TEST(GradlawsRegression, fallacy_gradient_at_mean_example_linear_regression) {
  using namespace gradlaws;
  using T = exact;
  const auto sides_of_claim = [] {
    const model m = gradlaws::model(1, {
    std::make_shared<gradlaws::dense>(1, 1, std::vector<std::string>{"m", "b"})},
    gradlaws::find_loss("mse"));
    const vec<T> theta = vector_of<T>({"0", "0"});
    const mat<T> x = matrix_of<T>(1, 2, {"0", "1"});
    const mat<T> y = matrix_of<T>(1, 2, {"0", "1"});
    return sides<T>{gradient_at_mean_example<T>(m, theta, x, y),
                    gradient<T>(m, theta, x, y)};
  };
  const auto s = sides_of_claim();
  EXPECT_EQ(s.lhs, vector_of<T>({"-1/2", "-1"})); // ∇L at the mean example (x̄, ȳ)
  EXPECT_EQ(s.rhs, vector_of<T>({"-1", "-1"})); // batched backprop of J
  EXPECT_NE(s.lhs, s.rhs); // the fallacy: the two sides differ
}
