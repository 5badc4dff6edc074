// Optimizer steps as PyTorch takes them, on the exact and high rungs: SGD's momentum buffer and
// weight decay by hand, Adam's first step, SGD affine in the gradient and Adam not, and Adam
// without ε blind to the gradient's scale.

#include <gradlaws/optimizer.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

namespace gradlaws {
namespace {

vec<exact> v2(exact a, exact b) {
  vec<exact> v(2);
  v << a, b;
  return v;
}

TEST(Optimizer, SgdWithMomentumAndCoupledDecayStepsAsPyTorchDoes) {
  const update_rule r = update_rule::sgd(exact(1, 10), exact(1, 2), exact(1, 4));
  auto s = initial_state<exact>(r, v2(1, -2));
  // Step 1: d = g + λθ = (3/4, 7/2); the buffer starts as d; θ − η d.
  s = step(r, v2(exact(1, 2), 4), s);
  EXPECT_EQ(s.theta, v2(exact(37, 40), exact(-47, 20)));
  EXPECT_EQ(s.slots[0], v2(exact(3, 4), exact(7, 2)));
  // Step 2: d = (37/160, 33/80); b = μb + d = (97/160, 173/80).
  s = step(r, v2(0, 1), s);
  EXPECT_EQ(s.slots[0], v2(exact(97, 160), exact(173, 80)));
  EXPECT_EQ(s.theta, v2(exact(1383, 1600), exact(-2053, 800)));
  EXPECT_EQ(s.steps, 2);
}

TEST(Optimizer, SgdIsAffineInTheGradientAndAdamIsNot) {
  const vec<exact> g1 = v2(1, exact(-1, 2)), g2 = v2(exact(1, 4), 3);
  const auto mean_of_steps = [&](const update_rule &r, const optimizer_state<exact> &s) {
    return vec<exact>((step(r, g1, s).theta + step(r, g2, s).theta * 2) / 3);
  };
  const vec<exact> mean_g = (g1 + g2 * 2) / 3;
  for (const update_rule &r : {update_rule::sgd(exact(1, 10), exact(9, 10), exact(1, 100)),
                               update_rule::sgd(exact(1, 4), exact(1, 2), exact(1, 8), true)}) {
    auto s = step(r, v2(2, 1), initial_state<exact>(r, v2(1, -1))); // a buffer of its own
    EXPECT_EQ(mean_of_steps(r, s), step(r, mean_g, s).theta) << r.describe();
  }
  // Adam's first step is η·sign(g) componentwise (ε = 0): the mean of ±η is not η·sign(mean).
  const update_rule adam = update_rule::adam(exact(1, 10), exact(9, 10), exact(999, 1000), exact(0));
  const auto s = initial_state<exact>(adam, v2(0, 0));
  EXPECT_EQ(step(adam, g1, s).theta, v2(exact(-1, 10), exact(1, 10)));
  EXPECT_EQ(mean_of_steps(adam, s), v2(exact(-1, 10), exact(-1, 30)));
  EXPECT_EQ(step(adam, mean_g, s).theta, v2(exact(-1, 10), exact(-1, 10)));
}

TEST(Optimizer, AdamWithoutEpsilonIgnoresTheGradientsScaleAndWithEpsilonDoesNot) {
  const precision_scope scope(50);
  const std::vector<vec<exact>> gradients{v2(1, exact(-1, 4)), v2(exact(3, 2), 2), v2(-1, exact(1, 2))};
  const auto after = [&](const update_rule &r, const exact &scale) {
    auto s = initial_state<high>(r, lift<high>(v2(1, 2)));
    for (const vec<exact> &g : gradients) s = step(r, lift<high>(vec<exact>(g * scale)), s);
    return s.theta;
  };
  const update_rule no_eps = update_rule::adam(exact(1, 10), exact(9, 10), exact(999, 1000), exact(0));
  EXPECT_LT((after(no_eps, 1) - after(no_eps, exact(1, 8))).lpNorm<Eigen::Infinity>(), high(1e-45));
  const update_rule eps = update_rule::adam(exact(1, 10), exact(9, 10), exact(999, 1000), exact(1, 10));
  EXPECT_GT((after(eps, 1) - after(eps, exact(1, 8))).lpNorm<Eigen::Infinity>(), high(1e-3));
  // SGD sees the scale in full: a step on g/8 moves θ by an eighth.
  const update_rule sgd = update_rule::sgd(exact(1, 10));
  const auto s = initial_state<exact>(sgd, v2(1, 2));
  EXPECT_EQ(vec<exact>(step(sgd, v2(8, 8), s).theta - s.theta),
            vec<exact>((step(sgd, v2(1, 1), s).theta - s.theta) * 8));
}

TEST(Optimizer, AdamWDecaysTheParametersBeforeItsStep) {
  const update_rule r = update_rule::adam(exact(1, 10), exact(9, 10), exact(999, 1000), exact(0),
                                          exact(1, 2), true);
  const auto s = step(r, v2(3, -2), initial_state<exact>(r, v2(2, 4)));
  // θ(1 − ηλ) − η·sign(g) = (2·19/20 − 1/10, 4·19/20 + 1/10).
  EXPECT_EQ(s.theta, v2(exact(9, 5), exact(39, 10)));
  EXPECT_EQ(r.describe(), "AdamW(η = 1/10, β = (9/10, 999/1000), ε = 0, λ = 1/2 decoupled)");
}

TEST(Optimizer, BadHyperparametersAndSizesAreRefusedByName) {
  EXPECT_MESSAGE(testing_support::message_of<error>([] { update_rule::sgd(exact(-1)); }),
                 "the learning rate η is negative");
  EXPECT_MESSAGE(testing_support::message_of<error>(
                     [] { update_rule::adam(exact(1), exact(1), exact(1, 2), exact(0)); }),
                 "β₁ is outside [0, 1)");
  update_rule nesterov = update_rule::sgd(exact(1, 10));
  nesterov.nesterov = true;
  EXPECT_MESSAGE(testing_support::message_of<error>([&] { nesterov.validate(); }),
                 "Nesterov momentum needs μ > 0");
  const update_rule sgd = update_rule::sgd(exact(1, 10), exact(1, 2));
  EXPECT_MESSAGE(testing_support::message_of<dimension_error>([&] {
                   step(sgd, vec<exact>(vec<exact>::Zero(3)), initial_state<exact>(sgd, v2(1, 2)));
                 }),
                 "a gradient of 3 entries for 2 parameters");
  EXPECT_MESSAGE(testing_support::message_of<dimension_error>([&] {
                   step(sgd, v2(1, 2), optimizer_state<exact>{v2(1, 2), {}, 0});
                 }),
                 "has 0 slot(s); the rule keeps 1");
}

} // namespace
} // namespace gradlaws
