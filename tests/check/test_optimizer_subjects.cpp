// A user's optimizer as a subject: hand-written SGD and Adam in double and float pass the laws
// of their family, an update that is not affine in g declared as SGD is caught, an Adam that
// keeps its own ε is caught by the scale law, and a subject that does not say what it computes
// is refused by name.

#include <gradlaws/checks.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"

#include <cmath>

namespace gradlaws {
namespace {

check_options optimizer_options(std::vector<std::string> laws = {}) {
  run_options r;
  r.cases = 100;
  r.seed = 5;
  return {.run = r, .laws = std::move(laws)};
}

/// SGD as one writes it by hand in F: the rule's hyperparameters read as F.
template <class F> optimizer_state<F> hand_sgd(const update_rule &r, const optimizer_state<F> &s, const vec<F> &g) {
  const F lr = r.lr.convert_to<F>(), mu = r.momentum.convert_to<F>(), wd = r.weight_decay.convert_to<F>();
  const F kept = F(1) - r.dampening.convert_to<F>();
  optimizer_state<F> out = s;
  out.steps = s.steps + 1;
  if (r.decoupled) out.theta *= F(1) - lr * wd;
  vec<F> d = r.decoupled ? g : vec<F>(g + wd * s.theta);
  if (r.momentum != 0) {
    out.slots[0] = s.steps == 0 ? d : vec<F>(mu * s.slots[0] + kept * d);
    d = r.nesterov ? vec<F>(d + mu * out.slots[0]) : out.slots[0];
  }
  out.theta -= lr * d;
  return out;
}

/// Adam by hand in F, with ε = `own_eps` when given (a bug: the rule's ε ignored).
template <class F>
optimizer_state<F> hand_adam(const update_rule &r, const optimizer_state<F> &s, const vec<F> &g, double own_eps = -1) {
  const F lr = r.lr.convert_to<F>(), b1 = r.beta1.convert_to<F>(), b2 = r.beta2.convert_to<F>();
  const F eps = own_eps >= 0 ? F(own_eps) : r.eps.convert_to<F>(), wd = r.weight_decay.convert_to<F>();
  optimizer_state<F> out = s;
  out.steps = s.steps + 1;
  if (r.decoupled) out.theta *= F(1) - lr * wd;
  const vec<F> d = r.decoupled ? g : vec<F>(g + wd * s.theta);
  out.slots[0] = b1 * s.slots[0] + (F(1) - b1) * d;
  out.slots[1] = b2 * s.slots[1] + (F(1) - b2) * vec<F>(d.cwiseProduct(d));
  const F c1 = F(1) - F(std::pow(double(b1), double(out.steps)));
  const F c2 = F(1) - F(std::pow(double(b2), double(out.steps)));
  for (Eigen::Index j = 0; j < g.size(); ++j)
    out.theta[j] -= lr * (out.slots[0][j] / c1) / (std::sqrt(out.slots[1][j] / c2) + eps);
  return out;
}

optimizer_subject subject_of(const std::string &name, update_rule::family f, auto step_double, auto step_float) {
  optimizer_subject s(name);
  s.set<double>(step_double);
  s.set<float>(step_float);
  s.supports({.optimizer = f});
  return s;
}

const run_result *failed(const std::vector<run_result> &results, const std::string &law) {
  for (const run_result &r : results)
    if (r.entry == law && !r.passed) return &r;
  return nullptr;
}

TEST(OptimizerSubjects, HandWrittenSgdAndAdamPassTheLawsOfTheirFamily) {
  const auto sgd = subject_of("hand SGD", update_rule::family::sgd, hand_sgd<double>, hand_sgd<float>);
  const auto sgd_results = check(sgd, optimizer_options());
  ASSERT_EQ(sgd_results.size(), 2u); // the SGD law in double and float
  EXPECT_EQ(testing_support::failures(sgd_results, 100), "");
  const auto adam = subject_of(
      "hand Adam", update_rule::family::adam,
      [](const update_rule &r, const optimizer_state<double> &s, const vec<double> &g) { return hand_adam(r, s, g); },
      [](const update_rule &r, const optimizer_state<float> &s, const vec<float> &g) { return hand_adam(r, s, g); });
  const auto adam_results = check(adam, optimizer_options());
  ASSERT_EQ(adam_results.size(), 2u);
  EXPECT_EQ(testing_support::failures(adam_results, 100), "");
  EXPECT_TRUE(testing_support::contains(
      describe_plan("hand SGD", sgd.supported(), explain_plan(sgd)),
      "adam_ignores_gradient_scale_without_eps: left out: it is about Adam steps, and the subject "
      "computes SGD steps"));
}

TEST(OptimizerSubjects, AnUpdateThatIsNotAffineInTheGradientIsCaughtAsSgd) {
  // "Normalised SGD": θ − η g/‖g‖, declared as SGD.
  const auto normalised = [](const update_rule &r, const optimizer_state<double> &s, const vec<double> &g) {
    optimizer_state<double> out = hand_sgd(r, s, vec<double>::Zero(g.size()).eval());
    const double n = g.norm();
    if (n > 0) out.theta -= r.lr.convert_to<double>() * g / n;
    return out;
  };
  optimizer_subject s("normalised SGD");
  s.set<double>(normalised);
  s.supports({.optimizer = update_rule::family::sgd});
  const run_result *r = failed(check(s, optimizer_options()), "sgd_step_of_accumulated_gradient");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(testing_support::contains(r->counterexample, "split  micro-batch sizes")) << r->counterexample;
}

TEST(OptimizerSubjects, AnAdamThatKeepsItsOwnEpsilonIsCaughtByTheScaleLaw) {
  optimizer_subject s("Adam with its own ε");
  s.set<double>([](const update_rule &r, const optimizer_state<double> &st, const vec<double> &g) {
    return hand_adam(r, st, g, 1e-8);
  });
  s.supports({.optimizer = update_rule::family::adam});
  EXPECT_NE(failed(check(s, optimizer_options()), "adam_ignores_gradient_scale_without_eps"), nullptr);
}

TEST(OptimizerSubjects, AnOptimizerThatDoesNotSayWhatItComputesIsRefusedByName) {
  optimizer_subject s("undeclared");
  s.set<double>([](const update_rule &r, const optimizer_state<double> &st, const vec<double> &g) {
    return hand_sgd(r, st, g);
  });
  EXPECT_MESSAGE(testing_support::message_of<error>([&] { check(s, optimizer_options()); }),
                 "needs the family of update rules it computes");
  optimizer_subject wrong_size("drops its buffer");
  wrong_size.set<double>([](const update_rule &r, const optimizer_state<double> &st, const vec<double> &g) {
    optimizer_state<double> out = hand_sgd(r, st, g);
    out.slots.clear();
    return out;
  });
  wrong_size.supports({.optimizer = update_rule::family::sgd});
  bool refused = false;
  for (const run_result &r : check(wrong_size, optimizer_options()))
    refused = refused || testing_support::contains(render_text(r), "an optimizer state of");
  EXPECT_TRUE(refused);
}

} // namespace
} // namespace gradlaws
