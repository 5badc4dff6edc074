// The machine rung's two questions (gradlaws/verdict.hpp, gradlaws/own_functions.hpp): the law
// verdict compares the two sides the subject computed with each other, under the sum of their
// rounding bounds in which each activation is the subject's own; the accuracy verdict
// compares each side with the exact value and names each own function's measured error.

#include <gradlaws/checks.hpp>
#include <gradlaws/judge.hpp>
#include <gradlaws/norm_layers.hpp>
#include <gradlaws/own_functions.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gradlaws {
namespace {

using gradlaws::testing_support::contains;

// ---------------------------------------------------------------------------------------------
// The judge, on planted sides

/// One-component sides as computed, exact and bounded: lhs = 1 + d, rhs = 1, bounds bl and br.
machine_sides<double> planted(double d, double bl, double br) {
  machine_sides<double> s;
  s.computed = {vec<double>::Constant(1, 1 + d), vec<double>::Constant(1, 1.0)};
  s.exact = {vec<high>::Constant(1, high(1)), vec<high>::Constant(1, high(1))};
  s.bound = {vec<rounded<double>>::Constant(1, rounded<double>(1 + d, bl)),
             vec<rounded<double>>::Constant(1, rounded<double>(1.0, br))};
  return s;
}

TEST(LawVerdict, TheSidesMayDifferByTheSumOfTheirBoundsAndNoMore) {
  const double u = std::ldexp(1.0, -52); // one ulp of 1
  // A difference of 2 ulp against bounds of 1.5 and 1 ulp: beyond the left bound alone, within
  // the sum (a judge that checked one side's bound would call it a bug).
  const verdict within = judge_machine<double>("l", "r", 30, planted(2 * u, 1.5 * u, 1 * u));
  EXPECT_EQ(within.kind, verdict_kind::equal_up_to_rounding) << within.to_text();
  ASSERT_TRUE(within.law);
  EXPECT_EQ(within.law->bound(), 2.5 * u);
  // Twice the sum: a bug.
  const verdict beyond = judge_machine<double>("l", "r", 30, planted(4 * u, 1 * u, 1 * u));
  EXPECT_EQ(beyond.kind, verdict_kind::different) << beyond.to_text();
  EXPECT_MESSAGE(beyond.summary(), "a bug, not rounding");
  // Just above the sum by one ulp of the difference: still a bug.
  const verdict just = judge_machine<double>("l", "r", 30, planted(3 * u, 1 * u, 1.9 * u));
  EXPECT_EQ(just.kind, verdict_kind::different) << just.to_text();
}

TEST(LawVerdict, AnOverflowWhereTheValueNearsTheFormatsLargestNumberIsNotJudged) {
  // A per-example loop summing terms of 8.5e37 overflows float where a batched sum does not:
  // near float's largest number (3.4e38) the order of the sums decides, so no verdict.
  const auto with = [](float computed, float bounded) {
    machine_sides<float> s;
    s.computed = {vec<float>::Constant(1, computed), vec<float>::Constant(1, bounded)};
    s.exact = {vec<high>::Constant(1, high(bounded)), vec<high>::Constant(1, high(bounded))};
    s.bound = {vec<rounded<float>>::Constant(1, rounded<float>(bounded, 1e31)),
               vec<rounded<float>>::Constant(1, rounded<float>(bounded, 1e31))};
    return judge_machine<float>("l", "r", 30, s);
  };
  const float inf = std::numeric_limits<float>::infinity();
  const verdict near = with(inf, 8.5e37f);
  EXPECT_EQ(near.kind, verdict_kind::undecided) << near.to_text();
  EXPECT_MESSAGE(near.unavailable, "within 2^8 of float's largest number");
  // gradlaws's own evaluation overflowing too: no verdict either.
  EXPECT_EQ(with(inf, inf).kind, verdict_kind::undecided);
  // Far from the largest number an infinite side is a bug.
  const verdict far = with(inf, 1e30f);
  EXPECT_EQ(far.kind, verdict_kind::different) << far.to_text();
}

TEST(LawVerdict, ASideFarFromTheExactValueIsReportedAsAccuracyWhenTheLawHolds) {
  machine_sides<double> s = planted(0, 1e-16, 1e-16);
  // Both sides agree with each other, and both are 0.5 away from the exact value 1.5.
  s.exact = {vec<high>::Constant(1, high(1.5)), vec<high>::Constant(1, high(1.5))};
  const verdict v = judge_machine<double>("l", "r", 30, s);
  EXPECT_EQ(v.kind, verdict_kind::equal_up_to_rounding) << v.to_text();
  EXPECT_FALSE(v.accurate());
  EXPECT_MESSAGE(v.summary(), "not the exact value");
  EXPECT_FALSE(contains(v.summary(), "a bug"));
}

// ---------------------------------------------------------------------------------------------
// A subject's own functions in the bound

double softplus_20(double z) { return z > 20 ? z : std::log1p(std::exp(z)); }
double sigmoid_20(double z) { return z > 20 ? 1 : 1 / (1 + std::exp(-z)); }

own_functions threshold_softplus() {
  return {{{"softplus", softplus_20, sigmoid_20, [](float z) { return float(softplus_20(z)); },
            [](float z) { return float(sigmoid_20(z)); }}}};
}

TEST(OwnFunctions, AnExactArgumentIsChargedNothingAndAReachAcrossAJumpIsChargedTheJump) {
  const own_functions f = threshold_softplus();
  const activation &sp = find_activation("softplus");
  const own_functions_scope scope(f, own_charge::law);
  // The same argument gives the same value on both sides: nothing to charge, however far
  // softplus_20(25) = 25 is from log(1 + e^25).
  const rounded<double> exact_arg = detail::apply_activation(sp, rounded<double>(25.0, 0.0));
  EXPECT_EQ(exact_arg.v, 25.0);
  EXPECT_EQ(exact_arg.e, 0.0);
  // An argument within 1e-14 of 20 may be on either side of the threshold: the jump
  // log(1 + e^-20) ≈ 2.06e-9 is within the charge.
  const rounded<double> straddling = detail::apply_activation(sp, rounded<double>(20.0, 1e-14));
  EXPECT_GE(straddling.e, std::log1p(std::exp(-20.0)));
  EXPECT_LT(straddling.e, 1e-8);
  // Away from the threshold the charge is the propagation: about σ(z)·e.
  const rounded<double> smooth = detail::apply_activation(sp, rounded<double>(1.0, 1e-12));
  EXPECT_GE(smooth.e, 1e-12 / (1 + std::exp(-1.0)));
  EXPECT_LT(smooth.e, 1e-11);
}

TEST(OwnFunctions, TwoCodePathsAreChargedTheirSpreadEvenAtAnExactArgument) {
  // A framework's vectorised kernel and its scalar tail: the same argument may get either
  // value, so the law verdict cannot take it to give the same value on both sides.
  own_functions one = threshold_softplus();
  own_activation two = one.list()[0];
  const double shift = std::ldexp(1.0, -40);
  two.paths.push_back(own_activation::of(
      "softplus", [shift](auto z) { return decltype(z)(softplus_20(double(z)) + shift); },
      [](auto z) { return decltype(z)(sigmoid_20(double(z))); }));
  const own_functions f({two});
  const activation &sp = find_activation("softplus");
  {
    const own_functions_scope scope(one, own_charge::law);
    EXPECT_EQ(detail::apply_activation(sp, rounded<double>(1.0, 0.0)).e, 0.0);
  }
  const own_functions_scope scope(f, own_charge::law);
  const rounded<double> exact_arg = detail::apply_activation(sp, rounded<double>(1.0, 0.0));
  EXPECT_GE(exact_arg.e, shift);
  EXPECT_LT(exact_arg.e, 2 * shift);
  // With a reach, the wobble spans both paths: at least their spread again.
  const rounded<double> reach = detail::apply_activation(sp, rounded<double>(1.0, 1e-15));
  EXPECT_GE(reach.e, 2 * shift);
}

TEST(OwnFunctions, TheAccuracyChargeIsTheMeasuredDistanceFromTheExactFunction) {
  const own_functions f = threshold_softplus();
  std::vector<function_accuracy> log;
  {
    const own_functions_scope scope(f, own_charge::accuracy, &log);
    const rounded<double> r = detail::apply_activation(find_activation("softplus"), rounded<double>(25.0, 0.0));
    EXPECT_NEAR(r.e, std::log1p(std::exp(-25.0)), 1e-20);
  }
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].function, "softplus");
  EXPECT_EQ(log[0].at, 25.0);
  // 1.4e-11 against an ulp of 25 (3.6e-15): about 3,900 ulp.
  EXPECT_NEAR(log[0].ulps, std::log1p(std::exp(-25.0)) / std::ldexp(1.0, -48), 1);
}

TEST(OwnFunctions, OutsideAScopeTheEngineUsesItsOwnFormulas) {
  const activation &sp = find_activation("softplus");
  EXPECT_NE(detail::apply_activation(sp, 25.0), 25.0);
  {
    const own_functions f = threshold_softplus();
    const own_functions_scope scope(f, own_charge::law);
    EXPECT_EQ(detail::apply_activation(sp, 25.0), 25.0);
  }
  EXPECT_NE(detail::apply_activation(sp, 25.0), 25.0);
}

TEST(OwnFunctions, UnknownAndRepeatedNamesAreRefused) {
  EXPECT_THROW(own_functions({own_activation::of("gelu_tanh", [](auto z) { return z; }, [](auto) { return 1; })}),
               unknown_name_error);
  const auto same = own_activation::of("relu", [](auto z) { return z > 0 ? z : 0 * z; },
                                       [](auto z) { return z > 0 ? 1 + 0 * z : 0 * z; });
  EXPECT_THROW(own_functions({same, same}), error);
}

// ---------------------------------------------------------------------------------------------
// Subjects

/// A correct batch gradient in float and double that computes softplus with PyTorch's threshold.
gradient_subject threshold_subject(bool declared) {
  auto run = []<class F>(const model &m, const vec<F> &theta, const mat<F> &x, const mat<F> &y,
                         const reduction &r) -> vec<F>
    requires std::is_floating_point_v<F>
  {
    static const own_functions mine = threshold_softplus();
    const own_functions_scope scope(mine, own_charge::law);
    return gradient<F>(m, theta, x, y, r);
  };
  // Constrained to float and double, the callable is set on those two formats only.
  gradient_subject s = make_gradient_subject(
      declared ? "softplus with a threshold, declared" : "softplus with a threshold", run);
  s.supports({.activations = selection<activation>::named({"softplus"})});
  if (declared) s.computes_with(threshold_softplus());
  return s;
}

check_options verdict_options(int cases = 40) {
  run_options r;
  r.cases = cases;
  r.seed = 3;
  return {.run = r};
}

TEST(LawVerdict, ACorrectSubjectWithAThresholdedSoftplusPassesAndItsSoftplusIsNamed) {
  // Large inputs put pre-activations above 20 on some cases.
  const auto results = check(threshold_subject(true), verdict_options());
  ASSERT_FALSE(results.empty());
  bool named = false;
  for (const run_result &r : results) {
    EXPECT_TRUE(r.passed) << render_text(r);
    for (const function_accuracy &a : r.accuracy) {
      named = named || a.function == "softplus";
    }
  }
  EXPECT_TRUE(named);
  // Undeclared, the same code is judged as if its softplus were the math library's: the
  // threshold's 2e-9 is beyond that bound, and some law calls it a bug.
  const auto undeclared = check(threshold_subject(false), verdict_options(200));
  EXPECT_TRUE(std::any_of(undeclared.begin(), undeclared.end(), [](const run_result &r) { return !r.passed; }));
}

/// A subject whose every gradient is twice the true one: both sides of most laws double.
gradient_subject doubled() {
  return make_gradient_subject("twice the gradient",
                               [](const model &m, const vec<double> &theta, const mat<double> &x,
                                  const mat<double> &y, const reduction &r) {
                                 return vec<double>(2 * gradient<double>(m, theta, x, y, r));
                               });
}

TEST(LawVerdict, AConsistentlyWrongGradientSatisfiesLinearityAndFailsAgreementWithTheReference) {
  const auto results = check(doubled(), {.run = verdict_options().run, .laws = {"linearity", "oracle_agreement"},
                                         .variants = {"sigmoid_double"}});
  ASSERT_EQ(results.size(), 2u);
  for (const run_result &r : results) {
    if (r.entry == "linearity") {
      EXPECT_TRUE(r.passed) << render_text(r); // the law holds for it …
      EXPECT_GT(r.inaccurate_cases, 0);        // … and its accuracy says it is not ∇J
    } else {
      EXPECT_FALSE(r.passed) << render_text(r); // gradlaws's backprop in double disagrees
      ASSERT_TRUE(r.found);
      EXPECT_MESSAGE(r.found->summary(), "a bug, not rounding");
    }
  }
}

TEST(LawVerdict, APerExampleBatchNormBugIsNotReportedFailingALawItSatisfies) {
  // Each example through BatchNorm alone: duplicating the batch changes nothing for it.
  const model bn = make_normalised_mlp(2, {2}, {"tanh"}, 1, "mse", normalisation::batch_norm);
  const gradient_subject per_example = make_gradient_subject(
      "per-example BatchNorm", [](const model &m, const vec<double> &theta, const mat<double> &x,
                                  const mat<double> &y, const reduction &r) {
        const std::vector<exact> c = r.coefficients(std::size_t(x.cols()));
        vec<double> g = vec<double>::Zero(theta.size());
        for (Eigen::Index i = 0; i < x.cols(); ++i)
          g += double(c[std::size_t(i)]) *
               gradient<double>(m, theta, mat<double>(x.col(i)), mat<double>(y.col(i)), reduction::sum());
        return g;
      });
  check_options o = verdict_options();
  o.fixed_model = bn;
  bool oracle_caught = false;
  for (const run_result &r : check(per_example, o)) {
    if (r.entry == "duplication_invariance") {
      EXPECT_TRUE(r.passed) << render_text(r);
    }
    if (r.entry == "oracle_agreement") oracle_caught = !r.passed;
  }
  EXPECT_TRUE(oracle_caught);
}

} // namespace
} // namespace gradlaws
