// The catalogue's verdicts on cases that once raised false alarms.

#include <gradlaws/catalogue.hpp>

#include <gtest/gtest.h>

namespace {

gradlaws::run_result run_seed(const std::string &entry, const std::string &variant,
                              std::uint64_t seed) {
  gradlaws::run_options o;
  o.seed = seed;
  return gradlaws::find_entry(entry).run(variant, o);
}

TEST(FalseAlarms, ASaturatedSoftmaxThatCancelsIsStillEqualToTheOracle) {
  // Dense(1→1) → square → Dense(1→2) under softmax_ce at x = 7: logits (49, -98), gradients
  // near 1e-62 from p - y cancelling terms of size 2..98. The floor scales with the magnitudes
  // that entered the computation, so the cancellation is within it at 50 and at 75 digits.
  const auto r = run_seed("oracle_agreement", "square_high", 3398603919860313324ULL);
  EXPECT_TRUE(r.passed) << r.counterexample << "\n" << (r.found ? r.found->to_text() : "");
}

TEST(FalseAlarms, TheCubeSeedThatFailedHolds) {
  const auto r = run_seed("oracle_agreement", "cube_high", 171);
  EXPECT_TRUE(r.passed) << r.counterexample << "\n" << (r.found ? r.found->to_text() : "");
}

TEST(Certificates, GeluFallaciesAreCertifiedToo) {
  gradlaws::run_options o;
  const auto r = gradlaws::find_entry("derivative_at_mean").run("gelu_high", o);
  EXPECT_TRUE(r.passed);
  ASSERT_TRUE(r.certificate.has_value());
  EXPECT_EQ(r.certificate->kind, gradlaws::verdict_kind::certified_different)
      << r.certificate->evidence_text();
}

} // namespace
