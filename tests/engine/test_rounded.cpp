// The machine rung's running error bounds: a rounded<F> value is the value F arithmetic
// computes, and its bound holds against the exact value of the same expression.

#include <gradlaws/backprop.hpp>
#include <gradlaws/gen.hpp>
#include <gradlaws/problem.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iostream>

namespace gradlaws {
namespace {

TEST(Rounded, OperationsChargeTheirRounding) {
  const rounded<double> third = rounded<double>(1) / rounded<double>(3);
  EXPECT_EQ(third.v, 1.0 / 3.0);
  EXPECT_GT(third.e, 0);
  EXPECT_LE(third.e, 0x1p-54 + 1e-300); // u·|1/3| + η
  EXPECT_EQ((rounded<double>(1) + rounded<double>(2)).v, 3.0);
  const rounded<float> f = rounded<float>(1) / rounded<float>(3);
  EXPECT_EQ(f.v, 1.0f / 3.0f);
  EXPECT_GT(f.e, third.e);
}

TEST(Rounded, ADivisorWithinItsOwnErrorOfZeroHasNoBound) {
  const rounded<double> tiny(1e-300, 1e-299);
  EXPECT_TRUE(std::isinf((rounded<double>(1) / tiny).e));
}

TEST(Rounded, ComparisonsCloserThanTheirErrorsAreCounted) {
  const long before = branch_doubts();
  const rounded<double> a(1.0, 0.5), b(1.2, 0.0);
  (void)(a < b);
  EXPECT_EQ(branch_doubts(), before + 1);
  (void)(rounded<double>(1) < rounded<double>(2));
  EXPECT_EQ(branch_doubts(), before + 1);
}

/// Every component of the F gradient with running bounds is the plain F gradient, and lies
/// within its bound of the exact gradient of the same inputs.
template <class F> void bound_holds(const std::string &activation) {
  gen::problem_options o;
  o.on = rung::high;
  o.activation = activation;
  o.min_hidden = 1;
  const problem p = *gen::problems(o);
  precision_scope scope(60);
  const vec<high> exact_g = gradient<high>(p.m, lift<high>(p.theta), lift<high>(p.x), lift<high>(p.y));
  const long before = branch_doubts();
  const vec<rounded<F>> bounded = gradient<rounded<F>>(p.m, lift<rounded<F>>(p.theta),
                                                      lift<rounded<F>>(p.x), lift<rounded<F>>(p.y));
  const vec<F> plain = gradient<F>(p.m, lift<F>(p.theta), lift<F>(p.x), lift<F>(p.y));
  // A branch its bounds could not decide (a kink within rounding) has no bound: not judged.
  RC_PRE(branch_doubts() == before);
  for (Eigen::Index k = 0; k < bounded.size(); ++k) RC_PRE(std::isfinite(bounded[k].e)); // overflow
  RC_ASSERT(bounded.size() == exact_g.size());
  for (Eigen::Index k = 0; k < exact_g.size(); ++k) {
    RC_ASSERT(bounded[k].v == plain[k]);
    const double err = high(abs(high(bounded[k].v) - exact_g[k])).template convert_to<double>();
    RC_ASSERT(err <= bounded[k].e);
  }
}

RC_GTEST_PROP(Rounded, DoubleBoundsHoldForSigmoidNetworks, ()) { bound_holds<double>("sigmoid"); }
RC_GTEST_PROP(Rounded, DoubleBoundsHoldForTanhNetworks, ()) { bound_holds<double>("tanh"); }
RC_GTEST_PROP(Rounded, DoubleBoundsHoldForGeluNetworks, ()) { bound_holds<double>("gelu"); }
RC_GTEST_PROP(Rounded, FloatBoundsHoldForSoftplusNetworks, ()) { bound_holds<float>("softplus"); }
RC_GTEST_PROP(Rounded, FloatBoundsHoldForSigmoidNetworks, ()) { bound_holds<float>("sigmoid"); }

} // namespace
} // namespace gradlaws

namespace gradlaws {
namespace {

/// How much of its bound the error of a double gradient uses, over random sigmoid networks:
/// never more than all of it, and printed for the record (the bound's tightness).
TEST(Rounded, TightnessOfTheDoubleBoundOnSigmoidNetworks) {
  gen::problem_options o;
  o.on = rung::high;
  o.activation = "sigmoid";
  o.min_hidden = 1;
  std::vector<double> used;
  const auto g = gen::problems(o);
  precision_scope scope(60);
  for (int seed = 0; seed < 300; ++seed) {
    const problem p = g(rc::Random(std::uint64_t(seed) * 2654435761u + 1), 50).value();
    const vec<high> exact_g = gradient<high>(p.m, lift<high>(p.theta), lift<high>(p.x), lift<high>(p.y));
    const vec<rounded<double>> b = gradient<rounded<double>>(
        p.m, lift<rounded<double>>(p.theta), lift<rounded<double>>(p.x), lift<rounded<double>>(p.y));
    for (Eigen::Index k = 0; k < b.size(); ++k) {
      if (!std::isfinite(b[k].e) || b[k].e == 0) continue;
      const double err = high(abs(high(b[k].v) - exact_g[k])).convert_to<double>();
      used.push_back(err / b[k].e);
    }
  }
  ASSERT_FALSE(used.empty());
  std::sort(used.begin(), used.end());
  const double median = used[used.size() / 2], p99 = used[used.size() * 99 / 100], max = used.back();
  EXPECT_LE(max, 1.0);
  std::cout << "error/bound over " << used.size() << " gradient components: median " << median
            << ", 99th percentile " << p99 << ", max " << max << "\n";
  RecordProperty("median_error_over_bound", std::to_string(median));
  RecordProperty("max_error_over_bound", std::to_string(max));
}

} // namespace
} // namespace gradlaws
