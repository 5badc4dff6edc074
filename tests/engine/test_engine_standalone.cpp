// The engine on its own: this binary links gradlaws::engine and GoogleTest only — no
// generators, no RapidCheck, no checking layer — and computes the seed's gradients exactly.

#include <gradlaws/backprop.hpp>
#include <gradlaws/literals.hpp>
#include <gradlaws/oracle.hpp>
#include <gradlaws/strategy.hpp>

#include <gtest/gtest.h>

namespace gradlaws {
namespace {

TEST(EngineStandalone, TheSeedsLinearRegressionGradientsAreExact) {
  const model m = linear_regression();
  const auto theta = vector_of<exact>({"0", "0"});
  const auto x = matrix_of<exact>(1, 2, {"0", "1"});
  const auto y = matrix_of<exact>(1, 2, {"0", "1"});
  EXPECT_EQ(gradient<exact>(m, theta, x, y), vector_of<exact>({"-1", "-1"}));
  EXPECT_EQ(mean_of_example_gradients<exact>(m, theta, x, y), vector_of<exact>({"-1", "-1"}));
  EXPECT_EQ(oracle_gradient<exact>(m, theta, x, y), vector_of<exact>({"-1", "-1"}));
  // The fallacy: at the mean example (1/2, 1/2), ∂/∂m is -1/2.
  EXPECT_EQ(gradient_at_mean_example<exact>(m, theta, x, y), vector_of<exact>({"-1/2", "-1"}));
}

TEST(EngineStandalone, AStrategyRunsThroughTheOneBatchGradient) {
  const model m = linear_regression();
  const auto theta = vector_of<exact>({"0", "0"});
  const auto x = matrix_of<exact>(1, 3, {"0", "0", "0"});
  const auto y = matrix_of<exact>(1, 3, {"1", "0", "0"});
  const layout split = layout::split({1, 2});
  // Mean of micro-batch means: example 1 weighs 1/2 instead of 1/3.
  EXPECT_EQ(find_strategy("accumulate_naive").gradient<exact>(m, theta, x, y, split),
            vector_of<exact>({"0", "-1"}));
  EXPECT_EQ(find_strategy("accumulate_weighted").gradient<exact>(m, theta, x, y, split),
            gradient<exact>(m, theta, x, y));
}

TEST(EngineStandalone, GivenCoefficientsAreTheInBatchGradientOfOneExample) {
  const model m = linear_regression();
  const auto theta = vector_of<exact>({"1/2", "0"});
  const auto x = matrix_of<exact>(1, 2, {"1", "2"});
  const auto y = matrix_of<exact>(1, 2, {"0", "1"});
  EXPECT_EQ(in_batch_example_gradient<exact>(m, theta, x, y, 1),
            gradient<exact>(m, theta, x, y, reduction::given({exact(0), exact(1)})));
  EXPECT_EQ(in_batch_example_gradient<exact>(m, theta, x, y, 1),
            example_gradient<exact>(m, theta, x, y, 1));
}

} // namespace
} // namespace gradlaws
