// The machine rung's running error bounds: a rounded<F> value is the value F arithmetic
// computes, and its bound holds against the exact value of the same expression.

#include <gradlaws/activation.hpp>
#include <gradlaws/backprop.hpp>
#include <gradlaws/gen.hpp>
#include <gradlaws/problem.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

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

/// σ, σ′ (directly and from the kept output) and tanh′ at z in F with running bounds: the same
/// value as plain F, a finite bound wherever the value is representable, no doubtful branch
/// (the formulas' branches choose between two expressions of the same function), and the bound
/// holds against the value at 60 digits. Returns what went wrong, or "".
template <class F> std::string tail_bound_failure(F z) {
  const activation &sigmoid = find_activation("sigmoid"), &tanh = find_activation("tanh");
  const precision_scope scope(60);
  const high zh(z);
  const rounded<F> zr(z, 0.0);
  const long before = branch_doubts();
  const std::vector<std::pair<rounded<F>, high>> values{
      {sigmoid.f(zr), sigmoid.f(zh)},
      {sigmoid.df(zr), sigmoid.df(zh)},
      {sigmoid.df_given(zr, sigmoid.f(zr)), sigmoid.df(zh)},
      {tanh.df(zr), tanh.df(zh)},
      {tanh.df_given(zr, tanh.f(zr)), tanh.df(zh)}};
  const std::vector<F> plain{sigmoid.f(z), sigmoid.df(z), sigmoid.df_given(z, sigmoid.f(z)),
                             tanh.df(z), tanh.df_given(z, tanh.f(z))};
  const std::string at = " at z = " + to_string(z);
  if (branch_doubts() != before) return "a doubtful branch" + at;
  const char *names[] = {"σ", "σ′", "σ′ from σ", "tanh′", "tanh′ from tanh"};
  for (std::size_t k = 0; k < values.size(); ++k) {
    const auto &[bounded, exact_value] = values[k];
    const std::string what = names[k] + at + " = " + to_string(bounded.v);
    if (bounded.v != plain[k]) return what + ": not the plain value " + to_string(plain[k]);
    if (!std::isfinite(bounded.e)) return what + ": no bound";
    const double err = high(abs(high(bounded.v) - exact_value)).template convert_to<double>();
    if (err > bounded.e)
      return what + ": error " + std::to_string(err) + " above its bound " + std::to_string(bounded.e);
  }
  return "";
}

TEST(Rounded, TheBoundsHoldInTheTailsOfSigmoidAndTanh) {
  for (double z : {-745.0, -744.0, -720.0, -710.0, -709.75, -700.0, -40.0, -0.0, 0.0, 40.0, 120.0,
                   380.0, 720.0})
    EXPECT_EQ(tail_bound_failure(z), "");
  for (float z : {-103.0f, -90.0f, -87.5f, -40.0f, 0.0f, 40.0f, 60.0f})
    EXPECT_EQ(tail_bound_failure(z), "");
}

RC_GTEST_PROP(Rounded, DoubleBoundsHoldForSigmoidAndTanhAcrossTheirRange, ()) {
  const std::string failure = tail_bound_failure(double(*rc::gen::inRange(-6400, 6401)) / 8);
  RC_ASSERT(failure == ""); // z in [-800, 800]
}
RC_GTEST_PROP(Rounded, FloatBoundsHoldForSigmoidAndTanhAcrossTheirRange, ()) {
  const std::string failure = tail_bound_failure(float(*rc::gen::inRange(-960, 961)) / 8);
  RC_ASSERT(failure == ""); // z in [-120, 120]
}

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
