// Code whose model gradlaws does not know (gradlaws/opaque.hpp): θ and batches are drawn for a
// module seen only through its sizes, the laws that compare two sides the subject computes run
// on it, and the two-precision rule judges them (gradlaws/verdict.hpp).

#include <gradlaws/checks.hpp>
#include <gradlaws/judge.hpp>
#include <gradlaws/opaque.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <algorithm>
#include <cmath>

namespace gradlaws {
namespace {

/// The user's network, which gradlaws is not shown: two tanh layers under MSE.
const model &hidden_network() {
  static const model m = make_mlp(2, {3, 2}, {"tanh", "gelu"}, 1, "mse");
  return m;
}

/// A subject in double and float that computes its own network's gradient, whatever model it
/// is handed; `bug`: the 1/N of the mean forgotten.
gradient_subject hidden(bool bug) {
  auto run = [bug]<class F>(const model &, const vec<F> &theta, const mat<F> &x, const mat<F> &y,
                            const reduction &r) -> vec<F>
    requires std::is_floating_point_v<F>
  {
    return gradient<F>(hidden_network(), theta, x, y, bug ? reduction::sum() : r);
  };
  return make_gradient_subject(bug ? "my network, 1/N forgotten" : "my network", run)
      .supports({.fixed_model = std::make_shared<const model>(
                     opaque_model("my network", 2, 1, hidden_network().parameter_count(), "mse"))});
}

check_options opaque_options(int cases = 40) {
  run_options r;
  r.cases = cases;
  r.seed = 11;
  return {.run = r};
}

TEST(Opaque, AModuleIsDescribedBySizesAndCannotBeEvaluated) {
  const model m = opaque_model("block", 4, 3, 10, "mse");
  EXPECT_TRUE(is_opaque(m));
  EXPECT_FALSE(is_opaque(hidden_network()));
  EXPECT_EQ(m.parameter_count(), 10u);
  EXPECT_EQ(m.parameter_names()[9], "θ[9]");
  EXPECT_FALSE(m.supports(rung::exact));
  EXPECT_THROW(gradient<double>(m, vec<double>::Zero(10), mat<double>::Zero(4, 1), mat<double>::Zero(3, 1)),
               unsupported_rung_error);
  EXPECT_THROW(opaque_model("block", 0, 3, 10, "mse"), dimension_error);
  EXPECT_THROW(opaque_model("block", 4, 3, 0, "mse"), dimension_error);
  EXPECT_THROW(opaque_model("block", 4, 3, 2, "mse", {"a"}), dimension_error);
  EXPECT_THROW(opaque_model("block", 4, 3, 2, "msee"), unknown_name_error);
}

TEST(Opaque, TheLawsThatNeedNoReferenceRunOnceEachAndTheOthersSayWhyNot) {
  bool oracle_left_out = false;
  for (const plan_entry &e : explain_plan(hidden(false), opaque_options())) {
    if (e.law == "oracle_agreement") {
      oracle_left_out = e.variants.empty();
      EXPECT_MESSAGE(e.left_out, "cannot evaluate");
    }
    if (!e.variants.empty()) EXPECT_EQ(e.variants, std::vector<std::string>{"double"}) << e.law;
  }
  EXPECT_TRUE(oracle_left_out);
}

TEST(Opaque, ACorrectModulePassesAndAForgottenMeanIsCaughtByTheTwoPrecisionRule) {
  const auto good = check(hidden(false), opaque_options());
  std::vector<std::string> laws;
  for (const run_result &r : good) {
    EXPECT_TRUE(r.passed) << render_text(r);
    laws.push_back(r.entry);
  }
  EXPECT_EQ(laws, (std::vector<std::string>{"accumulation", "duplication_invariance", "linearity",
                                            "permutation_invariance", "reduction_scale",
                                            "weighted_mean", "zero_weight_invariance"}));
  int caught = 0;
  for (const run_result &r : check(hidden(true), opaque_options())) {
    if (r.passed) continue;
    ++caught;
    ASSERT_TRUE(r.found) << render_text(r);
    ASSERT_TRUE(r.found->precisions);
    EXPECT_MESSAGE(r.found->summary(), "did not shrink with the precision");
  }
  EXPECT_GE(caught, 2);
}

TEST(Opaque, ADoubleOnlySubjectIsToldItNeedsFloatToo) {
  gradient_subject s = make_gradient_subject(
      "double only", [](const model &, const vec<double> &theta, const mat<double> &x,
                        const mat<double> &y, const reduction &r) {
        return gradient<double>(hidden_network(), theta, x, y, r);
      });
  s.supports({.fixed_model = std::make_shared<const model>(
                  opaque_model("my network", 2, 1, hidden_network().parameter_count(), "mse"))});
  for (const plan_entry &e : explain_plan(s, opaque_options())) {
    EXPECT_TRUE(e.variants.empty()) << e.law;
    if (e.law == "linearity") EXPECT_MESSAGE(e.left_out, "in double and in float");
  }
}

// The rule itself, on planted sides.
sides<double> in_double(double a, double b) { return {vec<double>::Constant(1, a), vec<double>::Constant(1, b)}; }
sides<float> in_float(float a, float b) { return {vec<float>::Constant(1, a), vec<float>::Constant(1, b)}; }

TEST(TwoPrecision, ARoundingDifferenceThatShrinksHoldsAndOneThatDoesNotIsABug) {
  // float differs by 1e-7, double by 1e-16: shrank 1e9-fold.
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1 + 1e-16 * 2, 1), in_float(1 + 1.2e-7f, 1)).kind,
            verdict_kind::equal_up_to_rounding);
  // The same difference 1e-3 in both formats: a bug.
  const verdict bug = judge_two_precision("l", "r", in_double(1.001, 1), in_float(1.001f, 1));
  EXPECT_EQ(bug.kind, verdict_kind::different);
  EXPECT_MESSAGE(bug.summary(), "a bug, not rounding");
  // Just above and just below the allowed 2^-16 × float difference.
  const double f = 0x1p-20, allowed = std::ldexp(f, -16);
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1 + 2 * allowed, 1), in_float(1 + float(f), 1)).kind,
            verdict_kind::different);
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1 + allowed / 2, 1), in_float(1 + float(f), 1)).kind,
            verdict_kind::equal_up_to_rounding);
  // Float sides that agree exactly (a function saturated in float but not in double): the
  // floor 2^-40 × the largest side or input.
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1e-4 + 0x1p-45, 1e-4), in_float(1e-4f, 1e-4f), 1).kind,
            verdict_kind::equal_up_to_rounding);
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1e-4 + 0x1p-38, 1e-4), in_float(1e-4f, 1e-4f), 1).kind,
            verdict_kind::different);
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1 + 0x1p-45, 1), in_float(1, 1)).kind,
            verdict_kind::equal_up_to_rounding);
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1 + 0x1p-38, 1), in_float(1, 1)).kind,
            verdict_kind::different);
  // A float side that overflowed cannot be judged; a double one that is not finite is a bug.
  EXPECT_EQ(judge_two_precision("l", "r", in_double(1e300, 1e300), in_float(INFINITY, INFINITY)).kind,
            verdict_kind::undecided);
  EXPECT_EQ(judge_two_precision("l", "r", in_double(NAN, 1), in_float(1, 1)).kind, verdict_kind::different);
}

} // namespace
} // namespace gradlaws
