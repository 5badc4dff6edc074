// A user's clipping code as a subject: hand-written clipping in double and float passes the laws
// of clipping, a framework's convention (ε added to the norm) passes once declared, and the bugs
// a clipping rule can have are caught with a shrunk gradient.

#include <gradlaws/checks.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"

#include <cmath>

namespace gradlaws {
namespace {

check_options clipping_options(std::vector<std::string> laws = {}) {
  run_options r;
  r.cases = 100;
  r.seed = 7;
  return {.run = r, .laws = std::move(laws)};
}

/// Clipping as one writes it by hand, for double and float: the norm by a loop and std::sqrt,
/// scaled by C/‖g‖ when beyond C, with an ε added to the norm when asked.
template <class F> vec<F> hand_clip(F threshold, const vec<F> &g, F epsilon) {
  F sum = 0;
  for (Eigen::Index j = 0; j < g.size(); ++j) sum += g[j] * g[j];
  const F factor = threshold / (std::sqrt(sum) + epsilon);
  return factor < 1 ? vec<F>(g * factor) : g;
}

clipping_subject hand_written(double epsilon = 0) {
  clipping_subject s("hand-written clip");
  s.set<double>([epsilon](const double &c, const vec<double> &g) { return hand_clip(c, g, epsilon); });
  s.set<float>([epsilon](const float &c, const vec<float> &g) { return hand_clip(c, g, float(epsilon)); });
  return s;
}

const run_result *result_of(const std::vector<run_result> &results, const std::string &law) {
  for (const run_result &r : results)
    if (r.entry == law && !r.passed) return &r;
  return nullptr;
}

TEST(ClippingSubjects, AHandWrittenClipPassesEveryLawOfClippingInDoubleAndFloat) {
  const auto results = check(hand_written(), clipping_options());
  ASSERT_EQ(results.size(), 14u); // seven laws, in double and float
  EXPECT_EQ(testing_support::failures(results, 100), "");
}

TEST(ClippingSubjects, TheLawsOfClippingRunOnEveryRungOfAGenericSubject) {
  const auto generic = make_clipping_subject(
      "generic clip", []<class T>(const T &c, const vec<T> &g) { return clip_by_norm(c, g); });
  const auto results = check(generic, clipping_options());
  std::set<std::string> variants;
  for (const run_result &r : results) variants.insert(r.variant);
  // The training step's subjects run in the 16-bit formats too.
  EXPECT_EQ(variants, (std::set<std::string>{"exact", "high", "double", "float", "bfloat16", "float16"}));
  EXPECT_EQ(testing_support::failures(results, 100), "");
}

TEST(ClippingSubjects, AFrameworksEpsilonIsALawOnceDeclaredAndAFailureOtherwise) {
  // torch.nn.utils.clip_grad_norm_ scales by C/(‖g‖ + 1e-6).
  clipping_subject torch_like = hand_written(1e-6);
  const auto undeclared = check(torch_like, clipping_options({"clipping_onto_sphere"}));
  EXPECT_NE(result_of(undeclared, "clipping_onto_sphere"), nullptr);
  torch_like.supports({.clipping_epsilon = 1e-6});
  EXPECT_EQ(testing_support::failures(check(torch_like, clipping_options()), 100), "");
}

TEST(ClippingSubjects, ClampingEachComponentIsCaughtByTheRotationLaw) {
  clipping_subject clamp("clamp each component");
  clamp.set<double>([](const double &c, const vec<double> &g) {
    return vec<double>(g.cwiseMax(-c).cwiseMin(c));
  });
  const auto results = check(clamp, clipping_options({"clipping_rotation_equivariance"}));
  const run_result *r = result_of(results, "clipping_rotation_equivariance");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(testing_support::contains(r->counterexample, "Q ")) << r->counterexample;
}

TEST(ClippingSubjects, ClippingBySquaredNormIsCaughtOnOneGradient) {
  clipping_subject squared("clip by the squared norm");
  squared.set<double>([](const double &c, const vec<double> &g) {
    const double n2 = g.squaredNorm();
    return n2 > c * c ? vec<double>(g * (c / n2)) : g;
  });
  const run_result *r = result_of(check(squared, clipping_options({"clipping_onto_sphere"})),
                                  "clipping_onto_sphere");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(testing_support::contains(r->counterexample, "g      {[")) << r->counterexample;
}

TEST(ClippingSubjects, AResultOfAnotherLengthIsRefusedByName) {
  clipping_subject shorter("drops a component");
  shorter.set<double>([](const double &, const vec<double> &g) { return vec<double>(g.head(g.size() - 1)); });
  const auto results = check(shorter, clipping_options({"clipping_onto_sphere"}));
  ASSERT_FALSE(results.empty());
  EXPECT_TRUE(testing_support::contains(render_text(results.front()), "to clip"))
      << render_text(results.front());
}

} // namespace
} // namespace gradlaws
