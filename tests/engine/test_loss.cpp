// Unit tests of the loss registry: every hand-written ∂L/∂ŷ against reverse-mode
// differentiation of the loss's value (every output component a variable, one sweep back), reductions and
// their errors, and linear combinations of losses.

#include <gradlaws/detail/builtin_losses.hpp>
#include <gradlaws/loss.hpp>
#include <gradlaws/judge.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <string>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::message_of;

/// Roughly the roundings in one loss value or gradient per output component (an exp or log,
/// a few products); scales the rounding floor 10^(1-D) into a tolerance.
constexpr double operations_per_output = 64;

vec<exact> v(std::initializer_list<exact> xs) {
  vec<exact> out(Eigen::Index(xs.size()));
  Eigen::Index i = 0;
  for (const exact &x : xs) out[i++] = x;
  return out;
}

/// (ŷ, y) pairs: agreement, residuals inside and outside Huber's unit band, the band's edges
/// |r| = 1, the absolute loss's kink r = 0 in one component, and several output widths.
struct case_ {
  vec<exact> yhat, y;
};
std::vector<case_> cases() {
  return {
      {v({0}), v({0})},
      {v({1}), v({0})},
      {v({0}), v({1})},
      {v({exact(1, 2)}), v({exact(-3, 4)})},
      {v({2}), v({1})},                     // r = 1: Huber's band edge
      {v({1}), v({2})},                     // r = -1
      {v({exact(5, 2)}), v({-1})},          // |r| > 1
      {v({-3}), v({0})},
      {v({exact(1, 2), -1}), v({0, 1})},
      {v({0, 0}), v({exact(1, 4), exact(3, 4)})},
      {v({1, -2, exact(1, 4)}), v({0, 1, exact(1, 4)})}, // r = 0 in the last component
      {v({exact(-1, 2), exact(3, 2), 0}), v({1, 0, 0})}, // one-hot target
  };
}

/// The cases for loss l: cases() for dense targets; for class indices, the logits of cases()
/// with every class label and the ignore label as targets.
std::vector<case_> cases_for(const loss &l) {
  if (l.info().target != target_kind::class_index) return cases();
  std::vector<case_> out;
  for (const auto &c : cases()) {
    for (long k = 0; k < long(c.yhat.size()); ++k) out.push_back({c.yhat, v({exact(k)})});
    if (l.ignore_label()) out.push_back({c.yhat, v({exact(*l.ignore_label())})});
  }
  return out;
}

/// ∂L/∂ŷ_j for every j by the oracle's reverse mode: the value on adjoint values with every ŷ_j
/// a variable, and one sweep back.
template <class T> vec<T> reverse_mode_gradient(const loss &l, const vec<T> &yhat, const vec<T> &y) {
  using A = adjoint<T>;
  adjoint_recording<T> record;
  vec<A> ya(yhat.size());
  for (Eigen::Index j = 0; j < yhat.size(); ++j) ya[j] = record.variable(yhat[j]);
  const vec<A> ta = y.unaryExpr([](const T &x) { return A(x); });
  return record.gradient(l.value(ya, ta), yhat.size());
}

// ---------------------------------------------------------------------------------------------
// Hand-written gradient against reverse mode

TEST(Loss, GradientEqualsReverseModeExactlyOnTheExactRung) {
  ASSERT_GE(losses_on(rung::exact).size(), 4u); // mse, linear, absolute, huber
  for (const loss *l : losses_on(rung::exact))
    for (const auto &c : cases_for(*l)) {
      const vec<exact> by_hand = l->gradient(c.yhat, c.y);
      const vec<exact> by_reverse = reverse_mode_gradient(*l, c.yhat, c.y);
      EXPECT_TRUE(by_hand == by_reverse)
          << l->name() << " at ŷ = " << to_string(c.yhat) << ", y = " << to_string(c.y)
          << ": by hand " << to_string(by_hand) << ", by reverse mode " << to_string(by_reverse);
    }
}

TEST(Loss, GradientEqualsReverseModeToWorkingPrecisionOnTheHighRung) {
  for (const loss *l : losses_on(rung::high))
    for (const auto &c : cases_for(*l)) {
      const verdict verdict_ = judge_high(
          "∂L/∂ŷ by hand", "∂L/∂ŷ by reverse mode", default_digits,
          operations_per_output * double(c.y.size()), [&] {
            const vec<high> yhat = lift<high>(c.yhat), y = lift<high>(c.y);
            return sides<high>{l->gradient(yhat, y), reverse_mode_gradient(*l, yhat, y)};
          });
      EXPECT_TRUE(verdict_.equal()) << l->name() << " at ŷ = " << to_string(c.yhat)
                                    << ", y = " << to_string(c.y) << "\n" << verdict_.to_text();
    }
}

TEST(Loss, TranscendentalLossesDoNotRunOnTheExactRung) {
  for (const char *name : {"bce_logits", "softmax_ce"}) {
    const loss &l = find_loss(name);
    EXPECT_FALSE(l.supports(rung::exact)) << name;
    EXPECT_TRUE(l.supports(rung::high)) << name;
    const std::string m =
        message_of<unsupported_rung_error>([&] { (void)l.value(v({0}), v({1})); });
    EXPECT_NE(m.find(name), std::string::npos) << m;
    EXPECT_THROW((void)l.gradient(v({0}), v({1})), unsupported_rung_error) << name;
  }
}

TEST(Loss, KnownValuesOfTheRationalLosses) {
  EXPECT_EQ(find_loss("mse").value(v({1}), v({3})), exact(4));                  // (3 - 1)²
  EXPECT_TRUE(find_loss("mse").gradient(v({1}), v({3})) == v({-4}));            // -2·(3 - 1)
  EXPECT_EQ(find_loss("linear").value(v({1, 2}), v({3, 0})), exact(0));          // (3-1) + (0-2)
  EXPECT_TRUE(find_loss("linear").gradient(v({7, 8}), v({0, 0})) == v({-1, -1})); // constant
  EXPECT_TRUE(find_loss("linear").info().affine_in_output);
  EXPECT_EQ(find_loss("absolute").value(v({1, -2}), v({3, 0})), exact(4));       // 2 + 2
  EXPECT_TRUE(find_loss("absolute").gradient(v({1, 0}), v({1, 3})) == v({0, -1})); // kink: 0
  EXPECT_EQ(find_loss("huber").value(v({exact(1, 2)}), v({0})), exact(1, 8));    // (1/2)²/2
  EXPECT_EQ(find_loss("huber").value(v({2}), v({0})), exact(3, 2));              // |2| - 1/2
  EXPECT_EQ(find_loss("huber").value(v({1}), v({0})), exact(1, 2));              // both pieces: 1/2
  EXPECT_TRUE(find_loss("huber").gradient(v({3, exact(-1, 4)}), v({0, 0})) ==
              v({1, exact(-1, 4)})); // clamp(r, -1, 1)
}

TEST(Loss, BinaryCrossEntropyAtZeroLogitIsLogTwo) {
  precision_scope scope(default_digits);
  const loss &bce = find_loss("bce_logits");
  vec<high> zero(1), target(1);
  zero[0] = 0;
  target[0] = 1;
  EXPECT_EQ(bce.value(zero, target), log(high(2)));        // log(1 + e⁰) - 1·0 = log1p(1)
  EXPECT_EQ(bce.gradient(zero, target)[0], high(-1) / 2); // σ(0) - 1 = 1/2 - 1
}

TEST(Loss, UnknownNameThrowsAndListsTheKnownNames) {
  const std::string m = message_of<unknown_name_error>([] { (void)find_loss("nope"); });
  EXPECT_NE(m.find("unknown loss 'nope'"), std::string::npos) << m;
  for (const loss *l : losses()) EXPECT_NE(m.find(l->name()), std::string::npos) << m;
}

TEST(Loss, RegisteringADuplicateNameThrows) {
  loss_info duplicate;
  duplicate.name = "mse";
  duplicate.formula = "Σ_j (y_j - ŷ_j)²";
  const std::string m = message_of<error>([&] { register_loss<builtin::mse>(duplicate); });
  EXPECT_NE(m.find("'mse' is already registered"), std::string::npos) << m;
}

// ---------------------------------------------------------------------------------------------
// Reductions

TEST(Reduction, MeanCoefficientsAreOneOverN) {
  EXPECT_EQ(reduction::mean().coefficients(3), std::vector<exact>(3, exact(1, 3))); // 1/N
  EXPECT_EQ(reduction::mean().coefficients(1), std::vector<exact>{exact(1)});
  EXPECT_EQ(reduction::mean().describe(), "mean");
}

TEST(Reduction, SumCoefficientsAreOne) {
  EXPECT_EQ(reduction::sum().coefficients(4), std::vector<exact>(4, exact(1)));
  EXPECT_EQ(reduction::sum().describe(), "sum");
}

TEST(Reduction, WeightedCoefficientsAreWeightsOverTheirSum) {
  const auto r = reduction::weighted({exact(1), exact(2), exact(1)});
  EXPECT_EQ(r.coefficients(3), (std::vector<exact>{exact(1, 4), exact(1, 2), exact(1, 4)}));
  // A zero weight is allowed (a masked example) as long as another weight is positive.
  EXPECT_EQ(reduction::weighted({exact(0), exact(3, 4)}).coefficients(2),
            (std::vector<exact>{exact(0), exact(1)}));
  EXPECT_EQ(reduction::weighted({exact(1, 2), exact(2)}).describe(),
            "weighted mean with w = [1/2, 2]");
}

TEST(Reduction, EmptyBatchThrows) {
  for (const auto &r : {reduction::mean(), reduction::sum(), reduction::weighted({})}) {
    const std::string m = message_of<empty_batch_error>([&] { (void)r.coefficients(0); });
    EXPECT_NE(m.find("empty batch"), std::string::npos) << r.describe() << ": " << m;
  }
}

TEST(Reduction, ZeroWeightSumThrows) {
  const std::string m = message_of<empty_batch_error>(
      [] { (void)reduction::weighted({exact(0), exact(0)}).coefficients(2); });
  EXPECT_NE(m.find("sum to zero"), std::string::npos) << m;
}

TEST(Reduction, NegativeWeightThrows) {
  const std::string m = message_of<error>(
      [] { (void)reduction::weighted({exact(1), exact(-1, 2)}).coefficients(2); });
  EXPECT_NE(m.find("weight 1 is negative (-1/2)"), std::string::npos) << m;
}

TEST(Reduction, WeightCountMismatchThrows) {
  const std::string m = message_of<dimension_error>(
      [] { (void)reduction::weighted({exact(1), exact(1)}).coefficients(3); });
  EXPECT_NE(m.find("2 weights for a batch of 3 examples"), std::string::npos) << m;
}

// ---------------------------------------------------------------------------------------------
// Linear combinations

TEST(Loss, CombineValueAndGradientAreTheLinearCombination) {
  const exact alpha(1, 2), beta(3);
  const loss &a = find_loss("mse"), &b = find_loss("absolute");
  const auto ab = combine(alpha, a, beta, b);
  EXPECT_EQ(ab->name(), "1/2·mse + 3·absolute");
  EXPECT_TRUE(ab->info().rational);
  EXPECT_FALSE(ab->info().affine_in_output);
  for (const auto &c : cases()) {
    EXPECT_EQ(ab->value(c.yhat, c.y), alpha * a.value(c.yhat, c.y) + beta * b.value(c.yhat, c.y));
    const vec<exact> g = ab->gradient(c.yhat, c.y);
    EXPECT_TRUE(g == vec<exact>(alpha * a.gradient(c.yhat, c.y) + beta * b.gradient(c.yhat, c.y)))
        << to_string(g);
    EXPECT_TRUE(g == reverse_mode_gradient(*ab, c.yhat, c.y)) << to_string(g);
  }
  // Known value: ŷ = 1, y = 3 gives 1/2·(3-1)² + 3·|3-1| = 2 + 6.
  EXPECT_EQ(ab->value(v({1}), v({3})), exact(8));
}

TEST(Loss, CombineOfTwoAffineLossesIsAffine) {
  const loss &lin = find_loss("linear");
  const auto twice = combine(exact(1), lin, exact(1), lin);
  EXPECT_TRUE(twice->info().affine_in_output);
  EXPECT_TRUE(twice->gradient(v({5}), v({0})) == v({-2})); // -1 + -1
}

TEST(Loss, CombineWithATranscendentalLossRunsOnlyOnTheHighRung) {
  const auto mixed = combine(exact(1), find_loss("mse"), exact(1, 4), find_loss("bce_logits"));
  EXPECT_FALSE(mixed->info().rational);
  EXPECT_FALSE(mixed->supports(rung::exact));
  EXPECT_THROW((void)mixed->value(v({0}), v({1})), unsupported_rung_error);
  const verdict verdict_ = judge_high(
      "∂L/∂ŷ by hand", "∂L/∂ŷ by reverse mode", default_digits, 2 * operations_per_output, [&] {
        const vec<high> yhat = lift<high>(v({exact(1, 2), -2})), y = lift<high>(v({1, 0}));
        return sides<high>{mixed->gradient(yhat, y), reverse_mode_gradient(*mixed, yhat, y)};
      });
  EXPECT_TRUE(verdict_.equal()) << verdict_.to_text();
}

} // namespace
} // namespace gradlaws
