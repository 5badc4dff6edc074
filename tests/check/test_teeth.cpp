// Teeth: the law harness must catch a broken gradient and diagnose it. Two copies of the
// linearity law (applied with make_entry, not registered, so they stay out of the catalogue)
// whose left side is deliberately wrong:
//   (a) the batch gradient forgets the 1/N (it is the gradient of the sum), and
//   (b) the activation's hand-written derivative is wrong (z³ with σ′ = 2z² instead of 3z²).
// Each must be falsified, shrink to a small counterexample of a stable shape, and print a
// report that names the law, the model, the batch, both sides, the verdict and how to
// reproduce it — byte for byte the same for the same seed.

#include <gradlaws/oracle.hpp>
#include <gradlaws/property.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::contains;

/// The batch size N printed in a problem's description ("[N = 2, rung exact]"); -1 if absent.
int batch_size_in(const std::string &counterexample) {
  const std::string key = "[N = ";
  const auto at = counterexample.find(key);
  if (at == std::string::npos) return -1;
  return std::stoi(counterexample.substr(at + key.size()));
}

// ---------------------------------------------------------------------------------------------
// (a) The 1/N forgotten

property_info law_info(std::string name, std::string claim, std::string formula,
                       std::string lhs, std::string rhs, std::string explanation) {
  property_info info;
  info.name = std::move(name);
  info.kind = entry_kind::law;
  info.family = "teeth";
  info.claim = std::move(claim);
  info.formula = std::move(formula);
  info.lhs = std::move(lhs);
  info.rhs = std::move(rhs);
  info.explanation = std::move(explanation);
  return info;
}

const property_info missing_mean_info = law_info(
    "teeth_linearity_missing_mean",
    "a batch gradient that forgets the 1/N equals the mean of per-example gradients",
    "∇ Σ_i L_i = (1/N) Σ_i ∇L_i   (false unless N = 1 or ∇ = 0)",
    "batched backprop of Σ L_i (1/N forgotten)", "mean of per-example backprops",
    "planted bug: the reduction is a sum where a mean is meant");

/// The planted bug as a subject: a batch gradient whose mean is a sum.
gradient_subject missing_mean_subject() {
  return make_gradient_subject("backprop without 1/N",
                               []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                           const mat<T> &y, const reduction &r) {
                                 const bool mean = r.k == reduction::kind::mean;
                                 return gradient<T>(m, theta, x, y, mean ? reduction::sum() : r);
                               });
}

/// The linearity law, written over a subject, applied to the buggy subject.
entry missing_mean_law() {
  property_info info = missing_mean_info;
  info.domain = {.activations = selection<activation>::named({"relu", "sigmoid"}),
                 .best_rung_only = true};
  return make_entry(
      make_law<gradient_subject, problem>(
          info, [](const variant &v) { return gen::problems(options_for(v)); },
          []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
            const auto l = lift<T>(p);
            return {gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g)),
                    mean_of_example_gradients<T>(p.m, l.theta, l.x, l.y, on<T>(g))};
          }),
      [](const variant &) { return missing_mean_subject(); });
}

// ---------------------------------------------------------------------------------------------
// (b) A wrong activation derivative

/// z³ with a wrong hand-written derivative; the oracle differentiates f and is not fooled.
struct bad_cube {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z * z * z; }
  template <class T> static T df(const T &z) { return T(2) * z * z; } // planted bug: 3z²
};

/// Registers the bad cube once (registering a name twice throws).
const std::string &bad_cube_name() {
  static const std::string name = [] {
    activation_info info;
    info.name = "teeth_bad_cube";
    info.formula = "z³";
    info.derivative = "2z² (wrong on purpose: z³′ = 3z²)";
    register_activation<bad_cube>(std::move(info));
    return std::string("teeth_bad_cube");
  }();
  return name;
}

const property_info bad_derivative_info = law_info(
    "teeth_linearity_bad_derivative",
    "a batch gradient through an activation with a wrong σ′ equals the mean of per-example "
    "reverse-mode oracle gradients",
    "∇_θ (1/N) Σ_i L_i(θ) = (1/N) Σ_i ∇_θ L_i(θ)", "batched backprop of J (σ′ = 2z²)",
    "mean of per-example oracle gradients",
    "planted bug: the hand-written derivative of z³ is 2z², not 3z²");

entry bad_derivative_law() {
  property_info info = bad_derivative_info;
  info.domain = {.activations = selection<activation>::named({bad_cube_name()}),
                 .rungs = {rung::exact}};
  return make_entry(
      make_law<gradient_subject, problem>(
      info,
      [](const variant &v) { return gen::problems(options_for(v)); },
      []<class T>(const gradient_subject &, const problem &p) -> sides<T> {
        if constexpr (std::is_same_v<T, exact> || std::is_same_v<T, high>) {
          const auto l = lift<T>(p);
          vec<T> mean = vec<T>::Zero(l.theta.size());
          for (Eigen::Index i = 0; i < l.x.cols(); ++i)
            mean += oracle_gradient<T>(p.m, l.theta, mat<T>(l.x.col(i)), mat<T>(l.y.col(i)),
                                       reduction::sum());
          return {gradient<T>(p.m, l.theta, l.x, l.y),
                  vec<T>(mean / from_exact<T>(exact(long(l.x.cols()))))};
        } else {
          throw unsupported_rung_error("the oracle runs on the exact and high rungs only");
        }
      }),
      builtin_gradient_subject);
}

// ---------------------------------------------------------------------------------------------

void expect_diagnosed(const run_result &r, const property_info &info) {
  EXPECT_EQ(r.status, run_status::falsified) << render_text(r);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.kind, entry_kind::law);
  ASSERT_TRUE(r.found.has_value()) << render_text(r);
  EXPECT_FALSE(r.found->equal());
  const std::string text = render_text(r);
  for (const std::string &needle :
       {info.name, std::string("Dense("), std::string("batch"), info.lhs, info.rhs,
        std::string("different"), std::string("RC_PARAMS=\"reproduce="), std::string("FAIL")})
    EXPECT_TRUE(contains(text, needle)) << "'" << needle << "' missing from\n" << text;
}

TEST(Teeth, MissingOneOverNIsFalsifiedAndDiagnosedOnTheExactRung) {
  const run_result r = missing_mean_law().run("relu_exact", run_options{});
  expect_diagnosed(r, missing_mean_info);
  EXPECT_TRUE(contains(r.found->rung_name(), "exact")) << r.found->rung_name();
  std::cout << render_text(r);
}

TEST(Teeth, MissingOneOverNIsFalsifiedAndDiagnosedOnTheHighRung) {
  const run_result r = missing_mean_law().run("sigmoid_high", run_options{});
  expect_diagnosed(r, missing_mean_info);
  EXPECT_TRUE(contains(r.found->rung_name(), "high")) << r.found->rung_name();
  EXPECT_TRUE(contains(r.found->evidence_text(), "did not shrink")) << r.found->evidence_text();
  std::cout << render_text(r);
}

TEST(Teeth, WrongActivationDerivativeIsFalsifiedAndDiagnosed) {
  const run_result r = bad_derivative_law().run(bad_cube_name() + "_exact", run_options{});
  expect_diagnosed(r, bad_derivative_info);
  EXPECT_TRUE(contains(r.counterexample, "teeth_bad_cube")) << r.counterexample;
  std::cout << render_text(r);
}

// The minimal forms below are the ones the shrinker reaches (observed, then pinned): they are
// the smallest cases on which each bug shows.

TEST(Teeth, MissingOneOverNShrinksToTwoExamplesForEverySeed) {
  // One example cannot show a missing 1/N (N = 1); two can, with every weight and input 0 and
  // one nonzero residual (a target of 1, or an output bias of 1).
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 17u, 1234u}) {
    const run_result r = missing_mean_law().run("relu_exact", run_options{.seed = seed});
    ASSERT_EQ(r.status, run_status::falsified) << "seed " << seed;
    EXPECT_EQ(batch_size_in(r.counterexample), 2) << "seed " << seed << "\n" << r.counterexample;
    EXPECT_TRUE(contains(r.counterexample, "model  Dense(1→1) → relu → Dense(1→1); loss mse\n"))
        << "seed " << seed << "\n" << r.counterexample;
    EXPECT_TRUE(contains(r.counterexample, "W1[0,0] = 0, b1[0] = 0, W2[0,0] = 0"))
        << "seed " << seed << "\n" << r.counterexample;
    EXPECT_TRUE(contains(r.counterexample, "(x, y) = ([0], [0]), ([0], "))
        << "seed " << seed << "\n" << r.counterexample;
  }
}

TEST(Teeth, WrongActivationDerivativeShrinksToOneExampleForEverySeed) {
  // One example suffices: σ′ is wrong at any z ≠ 0 that reaches the output (W2 = 1).
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 17u, 1234u}) {
    const run_result r =
        bad_derivative_law().run(bad_cube_name() + "_exact", run_options{.seed = seed});
    ASSERT_EQ(r.status, run_status::falsified) << "seed " << seed;
    ASSERT_TRUE(r.found.has_value());
    EXPECT_EQ(batch_size_in(r.counterexample), 1) << "seed " << seed << "\n" << r.counterexample;
    EXPECT_TRUE(contains(r.counterexample, "model  Dense(1→1) → teeth_bad_cube → Dense(1→1); loss"))
        << "seed " << seed << "\n" << r.counterexample;
    EXPECT_TRUE(contains(r.counterexample, "W2[0,0] = 1")) << "seed " << seed << "\n"
                                                           << r.counterexample;
    // Only the parameters below the activation see σ′: W2 and b2 agree on both sides.
    EXPECT_TRUE(r.found->difference_text().ends_with(", 0, 0]"))
        << "seed " << seed << "\n" << r.found->to_text();
  }
}

TEST(Teeth, TheSameSeedGivesTheSameReportByteForByte) {
  for (const auto &[law, variant] :
       std::vector<std::pair<entry, std::string>>{{missing_mean_law(), "relu_exact"},
                                                  {missing_mean_law(), "sigmoid_high"},
                                                  {bad_derivative_law(), bad_cube_name() + "_exact"}}) {
    run_result first = law.run(variant, run_options{.seed = 42});
    run_result second = law.run(variant, run_options{.seed = 42});
    ASSERT_EQ(first.status, run_status::falsified) << variant;
    EXPECT_EQ(first.counterexample, second.counterexample) << variant;
    ASSERT_TRUE(first.found && second.found) << variant;
    EXPECT_EQ(first.found->to_text(), second.found->to_text()) << variant;
    EXPECT_EQ(first.reproduce, second.reproduce) << variant;
    EXPECT_EQ(first.shrinks, second.shrinks) << variant;
    // Only the timing may differ.
    first.seconds = second.seconds = 0;
    EXPECT_EQ(render_text(first), render_text(second)) << variant;
  }
}

} // namespace
} // namespace gradlaws
