// Losses as training code has them, against values worked out by hand here (not against
// gradlaws's formulas): class-index cross-entropy with an ignore label, label smoothing and class
// weights, NLL, BCE with pos_weight, and the framework's mean (÷ N·d elements, ÷ Σ w of the
// targets' classes) against gradlaws's mean (÷ N examples).

#include <gradlaws/backprop.hpp>
#include <gradlaws/gen.hpp>
#include <gradlaws/loss.hpp>
#include <gradlaws/model.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "support.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::message_of;

const double ln2 = std::log(2.0);

vec<double> d(std::initializer_list<double> xs) {
  vec<double> out(Eigen::Index(xs.size()));
  Eigen::Index i = 0;
  for (double x : xs) out[i++] = x;
  return out;
}
vec<exact> q(std::initializer_list<exact> xs) {
  vec<exact> out(Eigen::Index(xs.size()));
  Eigen::Index i = 0;
  for (const exact &x : xs) out[i++] = x;
  return out;
}

void expect_near(const vec<double> &got, const vec<double> &want, const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (Eigen::Index j = 0; j < got.size(); ++j)
    EXPECT_NEAR(got[j], want[j], 1e-14) << what << " entry " << j << ": " << to_string(got)
                                        << " against " << to_string(want);
}

// Logits [0, ln 2, 0]: softmax p = [1/4, 1/2, 1/4], so -log p = [2 ln 2, ln 2, 2 ln 2].
vec<double> logits() { return d({0, ln2, 0}); }

TEST(LossConventions, CrossEntropyWithAClassIndexIsMinusLogTheTargetsProbability) {
  const loss &ce = find_loss("cross_entropy");
  EXPECT_NEAR(ce.value(logits(), d({1})), ln2, 1e-15);
  expect_near(ce.gradient(logits(), d({1})), d({0.25, -0.5, 0.25}), "∇ at class 1"); // p - e_1
  EXPECT_NEAR(ce.value(logits(), d({0})), 2 * ln2, 1e-15);
}

TEST(LossConventions, AnIgnoredTargetHasNoLossAndNoGradient) {
  const loss &ce = find_loss("cross_entropy");
  EXPECT_EQ(ce.value(logits(), d({-100})), 0.0);
  expect_near(ce.gradient(logits(), d({-100})), d({0, 0, 0}), "∇ at the ignore label");
  EXPECT_TRUE(ce.ignores(q({-100})));
  EXPECT_EQ(ce.describe_target(q({-100})), "ignored (-100)");
  EXPECT_EQ(ce.describe_target(q({2})), "class 2");
}

TEST(LossConventions, LabelSmoothingMixesTheOneHotWithTheUniformDistribution) {
  // ε = 1/10, C = 3, class 1: (9/10)·ln 2 + (1/30)·(2 ln 2 + ln 2 + 2 ln 2) = (16/15)·ln 2;
  // ∇ = p - q with q = (9/10)e_1 + 1/30 = [1/30, 28/30, 1/30]: [13/60, -26/60, 13/60].
  const loss &ce = find_loss("cross_entropy_smoothed");
  EXPECT_NEAR(ce.value(logits(), d({1})), 16.0 / 15.0 * ln2, 1e-15);
  expect_near(ce.gradient(logits(), d({1})), d({13.0 / 60, -26.0 / 60, 13.0 / 60}), "∇ smoothed");
  // No smoothing mass on an ignored position.
  EXPECT_EQ(ce.value(logits(), d({-100})), 0.0);
  expect_near(ce.gradient(logits(), d({-100})), d({0, 0, 0}), "∇ smoothed, ignored");
}

TEST(LossConventions, ClassWeightsScaleTheTargetClassesTerm) {
  // w_c = c + 1: class 2 weighs 3; L = 3·(-log 1/4) = 6 ln 2; ∇ = 3·(p - e_2).
  const loss &ce = find_loss("cross_entropy_weighted");
  EXPECT_NEAR(ce.value(logits(), d({2})), 6 * ln2, 1e-14);
  expect_near(ce.gradient(logits(), d({2})), d({0.75, 1.5, -2.25}), "∇ weighted");
  EXPECT_EQ(ce.class_weight(2, 3), exact(3));
}

TEST(LossConventions, UsersCrossEntropyTakesItsOwnWeightsSmoothingAndIgnoreLabel) {
  const auto ce = make_cross_entropy(
      {.name = "my_ce", .ignore_index = 7, .label_smoothing = exact(1, 10), .class_weights = {1, 2, 3}});
  // The same as the registered weighted loss at ε = 0 plus (ε/C) Σ_j w_j (-log p_j):
  // (9/10)·6 ln 2 + (1/30)·(1·2 ln 2 + 2·ln 2 + 3·2 ln 2) = (27/5 + 1/3) ln 2 = (86/15) ln 2.
  EXPECT_NEAR(ce->value(logits(), d({2})), 86.0 / 15.0 * ln2, 1e-14);
  EXPECT_EQ(ce->value(logits(), d({7})), 0.0);
  EXPECT_THROW((void)ce->value(logits(), d({-100})), dimension_error); // not its ignore label
  EXPECT_THROW((void)make_cross_entropy({.label_smoothing = exact(3, 2)}), error);
  EXPECT_THROW((void)make_cross_entropy({.class_weights = {1, 0}}), error);
  const std::string m = message_of<dimension_error>([&] { (void)ce->value(d({0, 0}), d({1})); });
  EXPECT_NE(m.find("3 class weights"), std::string::npos) << m;
}

TEST(LossConventions, NllOverLogProbabilitiesIsRationalAndRunsExactly) {
  const loss &nll = find_loss("nll");
  EXPECT_TRUE(nll.supports(rung::exact));
  EXPECT_EQ(nll.value(q({exact(-1, 2), exact(-3, 2)}), q({1})), exact(3, 2));
  EXPECT_TRUE(nll.gradient(q({exact(-1, 2), exact(-3, 2)}), q({1})) == q({0, -1}));
  EXPECT_EQ(nll.value(q({exact(-1, 2), exact(-3, 2)}), q({-100})), exact(0));
}

TEST(LossConventions, BceWithPosWeightWeighsThePositiveTerm) {
  const loss &bce = find_loss("bce_logits_pos_weight");
  EXPECT_NEAR(bce.value(d({0}), d({1})), 2 * ln2, 1e-15); // 2·log(1 + e⁰)
  EXPECT_NEAR(bce.gradient(d({0}), d({1}))[0], -1.0, 1e-15); // σ(0)·2 - 2
  EXPECT_NEAR(bce.value(d({0}), d({0})), ln2, 1e-15);
  EXPECT_NEAR(bce.gradient(d({0}), d({0}))[0], 0.5, 1e-15);
}

model find_model_with(const std::string &loss) { return make_mlp(1, {}, {}, 2, loss); }

/// Dense(1→C) at W = 0, b = the logits: ŷ = b for every example, and ∇_b J = Σ_i c_i ∇L_i.
vec<double> bias_gradient(const model &m, const vec<double> &b, const mat<double> &y,
                          const reduction &r) {
  const Eigen::Index c = b.size();
  vec<double> theta = vec<double>::Zero(2 * c);
  theta.tail(c) = b;
  const mat<double> x = mat<double>::Zero(1, y.cols());
  return vec<double>(gradient<double>(m, theta, x, y, r).tail(c));
}

TEST(LossConventions, TheFrameworksMeanDividesByTheClassWeightsOfTheTargetsNotIgnored) {
  // Targets (class 1, ignored, class 2) under w_c = c + 1: L = [2 ln 2, 0, 6 ln 2]; the
  // framework's mean divides by w_1 + w_2 = 5 (PyTorch), gradlaws's mean by N = 3.
  const model m = make_mlp(1, {}, {}, 3, "cross_entropy_weighted");
  mat<double> y(1, 3);
  y << 1, -100, 2;
  vec<double> theta = vec<double>::Zero(6);
  theta.tail(3) = logits();
  EXPECT_NEAR(objective<double>(m, theta, mat<double>::Zero(1, 3), y, reduction::framework_mean()),
              8.0 / 5.0 * ln2, 1e-14);
  EXPECT_NEAR(objective<double>(m, theta, mat<double>::Zero(1, 3), y, reduction::mean()),
              8.0 / 3.0 * ln2, 1e-14);
  // ∇_b = (1/5)·(2(p - e_1) + 3(p - e_2)) = p - [0, 2/5, 3/5].
  expect_near(bias_gradient(m, logits(), y, reduction::framework_mean()), d({0.25, 0.1, -0.35}),
              "∇_b under the framework's mean");
  mat<exact> ye(1, 3);
  ye << 1, -100, 2;
  EXPECT_EQ(reduction::framework_mean().coefficients_for(m.objective_loss(), ye, 3),
            std::vector<exact>(3, exact(1, 5)));
  EXPECT_THROW((void)reduction::framework_mean().coefficients(3), error); // needs the targets
}

TEST(LossConventions, EveryTargetIgnoredLeavesTheFrameworksMeanNothingToDivideBy) {
  const model m = make_mlp(1, {}, {}, 3, "cross_entropy");
  mat<double> y(1, 2);
  y << -100, -100;
  const std::string msg = message_of<empty_batch_error>(
      [&] { (void)bias_gradient(m, logits(), y, reduction::framework_mean()); });
  EXPECT_NE(msg.find("every target is ignored"), std::string::npos) << msg;
  // gradlaws's mean divides by N and gives 0.
  expect_near(bias_gradient(m, logits(), y, reduction::mean()), d({0, 0, 0}), "∇ all ignored");
}

TEST(LossConventions, MseUnderTheFrameworksMeanDividesByEveryElement) {
  // ŷ = [1, 2], y = [0, 0], N = 1: Σ = 5; PyTorch's mse_loss = 5/2 (N·d = 2); Keras's
  // per-output mean, averaged over the batch, is the same 5/2.
  const model m = make_mlp(1, {}, {}, 2, "mse");
  vec<double> theta = vec<double>::Zero(4);
  theta.tail(2) = d({1, 2});
  const mat<double> x = mat<double>::Zero(1, 1), y = mat<double>::Zero(2, 1);
  EXPECT_EQ(objective<double>(m, theta, x, y, reduction::mean()), 5.0);
  EXPECT_EQ(objective<double>(m, theta, x, y, reduction::framework_mean()), 2.5);
  const model keras = m.with_loss(find_loss("mse_output_mean"));
  EXPECT_EQ(objective<double>(keras, theta, x, y, reduction::mean()), 2.5);
  expect_near(bias_gradient(m, d({1, 2}), y, reduction::framework_mean()), d({1, 2}),
              "∇ of (1/2)·((1-0)² + (2-0)²)");
}

TEST(LossConventions, TargetsThatAreNotLabelsOrDistributionsAreRefusedByName) {
  const model ce = make_mlp(1, {}, {}, 3, "cross_entropy");
  const vec<double> theta = vec<double>::Zero(6);
  mat<double> y(1, 2);
  y << 1, 3; // class 3 of 3 classes
  std::string m = message_of<dimension_error>(
      [&] { (void)gradient<double>(ce, theta, mat<double>::Zero(1, 2), y); });
  EXPECT_NE(m.find("target y_2 of loss cross_entropy"), std::string::npos) << m;
  EXPECT_NE(m.find("0..2"), std::string::npos) << m;
  y << 1, 0.5; // not an integer
  EXPECT_THROW((void)gradient<double>(ce, theta, mat<double>::Zero(1, 2), y), dimension_error);
  const model soft = make_mlp(1, {}, {}, 2, "softmax_ce");
  mat<double> p(2, 1);
  p << 0.5, 0.75;
  m = message_of<dimension_error>([&] {
    (void)gradient<double>(soft, vec<double>::Zero(4), mat<double>::Zero(1, 1), p);
  });
  EXPECT_NE(m.find("sum to 1.25"), std::string::npos) << m;
  mat<exact> pe(2, 1);
  pe << exact(1, 2), exact(1, 4);
  m = message_of<dimension_error>(
      [&] { (void)gradient<exact>(find_model_with("nll"), vec<exact>::Zero(4), mat<exact>::Zero(1, 1), pe); });
  EXPECT_NE(m.find("Y has 2 rows"), std::string::npos) << m; // nll takes one label per example
  EXPECT_NO_THROW((void)gradient<exact>(soft.with_loss(find_loss("mse")), vec<exact>::Zero(4),
                                        mat<exact>::Zero(1, 1), pe)); // mse takes any target
}

TEST(LossConventions, EveryLossStatesItsConvention) {
  for (const loss *l : losses()) {
    const std::string c = l->convention();
    EXPECT_NE(c.find("gradlaws's J averages over the examples (÷ N"), std::string::npos)
        << l->name() << ": " << c;
    EXPECT_NE(c.find("the loss's own mean ÷ "), std::string::npos) << l->name() << ": " << c;
  }
  EXPECT_NE(find_loss("mse").convention().find("N·d elements"), std::string::npos);
  EXPECT_NE(find_loss("cross_entropy").convention().find("ignored targets excluded"),
            std::string::npos);
}

RC_GTEST_PROP(LossConventions, DrawnClassTargetsAreLabelsOrIgnoredAndShrinkToClassZero, ()) {
  const model m = make_mlp(1, {}, {}, 3, "cross_entropy");
  const mat<exact> y = *gen::targets(m, 4);
  RC_ASSERT(y.rows() == 1 && y.cols() == 4);
  for (Eigen::Index i = 0; i < y.cols(); ++i)
    RC_ASSERT(m.objective_loss().target_problem(vec<exact>(y.col(i)), 3).empty());
  for (Eigen::Index i = 0; i < y.cols(); ++i)
    for (const vec<exact> &s : gen::simpler_targets(m.objective_loss(), y.col(i), 3)) {
      const long from = *label_of(y(0, i)), to = label_of(s[0]).value_or(-1);
      RC_ASSERT(to >= 0 && (from == -100 ? to == 0 : to < from));
    }
}

// A language model's loss: P = 2 positions of C = 3 classes each, ŷ = the same logits at both
// positions. Example 1's labels (1, ignored): L = ln 2. Example 2's (0, 2): L = 4 ln 2. The
// framework's mean divides by the 3 tokens not ignored, gradlaws's mean by the N = 2 examples.
TEST(LossConventions, ALossOverPositionsSumsItsTokensAndItsMeanCountsTheTokensNotIgnored) {
  const auto token_ce = make_cross_entropy({.name = "token_ce", .positions = 2});
  const model m = make_mlp(1, {}, {}, 6, "mse").with_loss(token_ce);
  vec<double> both(6);
  both << logits(), logits();
  EXPECT_NEAR(token_ce->value(both, d({1, -100})), ln2, 1e-15);
  expect_near(token_ce->gradient(both, d({1, -100})), d({0.25, -0.5, 0.25, 0, 0, 0}),
              "∇ at (class 1, ignored)");
  mat<double> y(2, 2);
  y << 1, 0, -100, 2;
  const mat<double> x = mat<double>::Zero(1, 2);
  vec<double> theta = vec<double>::Zero(12);
  theta.tail(6) = both;
  EXPECT_NEAR(objective<double>(m, theta, x, y, reduction::framework_mean()), 5.0 / 3.0 * ln2, 1e-14);
  EXPECT_NEAR(objective<double>(m, theta, x, y, reduction::mean()), 5.0 / 2.0 * ln2, 1e-14);
  EXPECT_EQ(token_ce->count_of(d({1, -100}), 6), exact(1));
  EXPECT_EQ(token_ce->describe_target(q({1, -100})), "classes [1, ignored]");
  EXPECT_TRUE(token_ce->ignores(q({-100, -100})));
  EXPECT_FALSE(token_ce->ignores(q({-100, 0})));
  EXPECT_NE(token_ce->convention().find("over the 2 positions"), std::string::npos);
  EXPECT_EQ(token_ce->target_problem(q({1, 3}), 6), "position 1: 3 is not a class in 0..2 or the ignore label -100");
}

TEST(LossConventions, ALossOverPositionsRefusesAModelWhoseOutputsItCannotSplit) {
  const auto token_ce = make_cross_entropy({.name = "token_ce", .positions = 2});
  EXPECT_MESSAGE(message_of<dimension_error>(
                     [&] { (void)make_mlp(1, {}, {}, 5, "mse").with_loss(token_ce); }),
                 "2 positions do not divide the model's 5 outputs");
  EXPECT_MESSAGE(message_of<error>([] { (void)make_cross_entropy({.positions = 0}); }),
                 "positions = 0");
  const model m = make_mlp(1, {}, {}, 6, "mse").with_loss(token_ce);
  mat<double> one_label(1, 1);
  one_label << 1;
  EXPECT_MESSAGE(message_of<dimension_error>([&] {
                   (void)gradient<double>(m, vec<double>::Zero(12), mat<double>::Zero(1, 1), one_label);
                 }),
                 "takes 2 target rows per example");
}

RC_GTEST_PROP(LossConventions, DrawnTokenTargetsHaveALabelPerPositionAndShrinkPositionByPosition, ()) {
  const model m = make_mlp(1, {}, {}, 6, "mse").with_loss(make_cross_entropy({.positions = 2}));
  const mat<exact> y = *gen::targets(m, 3);
  RC_ASSERT(y.rows() == 2 && y.cols() == 3);
  RC_ASSERT((y.array() != exact(-100)).any());
  for (Eigen::Index i = 0; i < y.cols(); ++i) {
    RC_ASSERT(m.objective_loss().target_problem(vec<exact>(y.col(i)), 6).empty());
    for (const vec<exact> &s : gen::simpler_targets(m.objective_loss(), y.col(i), 6)) {
      RC_ASSERT(s.size() == 2 && (s.array() != y.col(i).array()).count() == 1);
      RC_ASSERT(m.objective_loss().target_problem(s, 6).empty());
    }
  }
}

} // namespace
} // namespace gradlaws
