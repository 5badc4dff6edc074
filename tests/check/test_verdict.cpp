// Unit tests of verdicts: exact comparison, the precision-scaling verdict of the high rung
// (it must catch a planted difference far below double precision and accept true
// identities), interval certificates, and the words a verdict prints.

#include <gradlaws/error.hpp>
#include <gradlaws/judge.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <vector>

#include "support.hpp"

#include <string>

namespace gradlaws {
namespace {

template <class T> vec<T> column(std::initializer_list<T> xs) {
  vec<T> out(Eigen::Index(xs.size()));
  Eigen::Index i = 0;
  for (const T &x : xs) out[i++] = x;
  return out;
}

exact power_of_ten(int e) {
  exact p(1);
  for (int i = 0; i < e; ++i) p *= 10;
  return p;
}

using gradlaws::testing_support::contains;

/// Roughly the roundings in building one side of the small identities below.
constexpr double small_operations = 16;

// ---------------------------------------------------------------------------------------------
// Exact rung

TEST(Verdict, RationalEqualityIsExact) {
  const auto v = judge_exact("a", "b", {column({exact(1, 3), exact(2)}), column({exact(2, 6), exact(4, 2)})});
  EXPECT_EQ(v.kind, verdict_kind::exactly_equal); // 2/6 = 1/3 and 4/2 = 2 as rationals
  EXPECT_TRUE(v.equal());
  EXPECT_EQ(v.difference_text(), "[0, 0]");
  EXPECT_TRUE(contains(v.tolerance_text(), "exact")) << v.tolerance_text();
}

TEST(Verdict, RationalDifferenceIsReportedExactly) {
  const auto v = judge_exact("batched", "per-example", {column({exact(1, 3), exact(1)}),
                                                        column({exact(1, 4), exact(1)})});
  EXPECT_EQ(v.kind, verdict_kind::different);
  EXPECT_FALSE(v.equal());
  EXPECT_EQ(v.lhs_text(), "[1/3, 1]");
  EXPECT_EQ(v.rhs_text(), "[1/4, 1]");
  EXPECT_EQ(v.difference_text(), "[1/12, 0]"); // 1/3 - 1/4
  const std::string text = v.to_text();
  EXPECT_TRUE(contains(text, "batched")) << text;
  EXPECT_TRUE(contains(text, "per-example")) << text;
  EXPECT_TRUE(contains(text, "different")) << text;
  EXPECT_TRUE(contains(v.summary(), "different")) << v.summary();
}

TEST(Verdict, SidesOfDifferentLengthsRaiseDimensionError) {
  EXPECT_THROW((void)judge_exact("a", "b", {column({exact(1)}), column({exact(1), exact(2)})}),
               dimension_error);
}

// ---------------------------------------------------------------------------------------------
// High rung

TEST(Verdict, HighRungDetectsADifferenceInTheFortiethSignificantDigit) {
  // 1/3 against 1/3 + 10^-40: they part in the 40th significant digit (1/3 = 0.333…, whose
  // 40th significant digit is in the 10^-40 place). Both sides are made from exact rationals
  // inside the lambda, so each precision judge_high tries rounds them afresh.
  const exact third(1, 3);
  const exact planted = third + exact(1) / power_of_ten(40);
  const auto v = judge_high("x", "x + 10^-40", 50, small_operations, [&] {
    return sides<high>{column({from_exact<high>(third)}), column({from_exact<high>(planted)})};
  });
  EXPECT_EQ(v.kind, verdict_kind::different) << v.to_text();
  EXPECT_FALSE(v.equal());
  EXPECT_TRUE(contains(v.evidence_text(), "did not shrink")) << v.evidence_text();
}

TEST(Verdict, HighRungAcceptsASumOfThirdsComputedTwoWays) {
  // 1/3 + 1/3 + 1/3 (three roundings) against 3 · (1/3) (two) and against 1.
  const auto v = judge_high("1/3 + 1/3 + 1/3", "3 · 1/3", 50, small_operations, [] {
    const high t = from_exact<high>(exact(1, 3));
    return sides<high>{column({high(t + t + t), high(t + t + t + t + t + t + t)}),
                       column({high(3 * t), high(7 * t)})};
  });
  EXPECT_EQ(v.kind, verdict_kind::equal_to_precision) << v.to_text();
  EXPECT_TRUE(v.equal());
}

TEST(Verdict, HighRungAcceptsAnIdentityThatCancelsToZero) {
  // (1/3 + 1/7) - 1/3 - 1/7 = 0: a difference of rounding errors that shrinks with precision.
  const auto v = judge_high("(a + b) - a - b", "0", 50, small_operations, [] {
    const high a = from_exact<high>(exact(1, 3)), b = from_exact<high>(exact(1, 7));
    return sides<high>{column({high((a + b) - a - b)}), column({high(0)})};
  });
  EXPECT_TRUE(v.equal()) << v.to_text();
}

TEST(Verdict, AnIdentityUnderTheFloorAtTheHigherPrecisionIsEvaluatedOnce) {
  // Under the floor at D + 25 implies the two-precision rule, so D is not evaluated.
  std::vector<unsigned> precisions;
  const auto v = judge_high("1/3 + 1/3 + 1/3", "3 · 1/3", 50, small_operations, [&] {
    precisions.push_back(high().precision());
    const high t = from_exact<high>(exact(1, 3));
    return sides<high>{column({high(t + t + t)}), column({high(3 * t)})};
  });
  EXPECT_EQ(v.kind, verdict_kind::equal_to_precision) << v.to_text();
  ASSERT_EQ(precisions, std::vector<unsigned>{75});
  ASSERT_TRUE(v.confirmed);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::under_floor);
  EXPECT_TRUE(contains(v.evidence_text(), "implies equality at 50 digits")) << v.evidence_text();
  EXPECT_FALSE(v.distance) << "no distance at 50 digits was measured";
}

TEST(Verdict, ACancellationAboveTheFloorIsEvaluatedAtBothPrecisionsAndShrinks) {
  // 10^30 · ((√2)² - 2 + (√3)² - 3): a rounding residue far above the floor (the magnitude passed
  // is 1), which falls by about 25 orders when 25 digits are added.
  std::vector<unsigned> precisions;
  const auto v = judge_high("10^30 ((√2)² - 2 + (√3)² - 3)", "0", 50, small_operations, [&] {
    precisions.push_back(high().precision());
    const high r2 = sqrt(high(2)), r3 = sqrt(high(3)); // residues nonzero at 50 and at 75 digits
    return sides<high>{column({high(pow(high(10), 30) * (r2 * r2 - 2 + (r3 * r3 - 3)))}),
                       column({high(0)})};
  });
  EXPECT_EQ(precisions, (std::vector<unsigned>{75, 50}));
  ASSERT_TRUE(v.confirmed);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::shrank) << v.to_text();
  EXPECT_TRUE(v.equal()) << v.to_text();
}

// Planted differences just below and just above the floors. With 16 operations the floor is
// 1.6e-48 at 50 digits and 1.6e-73 at 75. The sides are [1/3, 0] and [1/3, δ]: the distance is
// δ itself (the scale is 1), and `precisions` records the digits of each evaluation.

/// The two sides [1/3, 0] and [1/3, δ(digits)], with the digits of each evaluation recorded.
verdict judge_planted(const std::function<high(int digits)> &delta, std::vector<unsigned> &precisions) {
  return judge_high("x", "x + δ", 50, small_operations, [&] {
    const int digits = int(high().precision());
    precisions.push_back(unsigned(digits));
    const high third = from_exact<high>(exact(1, 3));
    return sides<high>{column({third, high(0)}), column({third, high(delta(digits))})};
  });
}

TEST(Verdict, AConstantDifferenceUnderTheFloorAtDButAboveItAtDPlus25IsDifferent) {
  // 1e-60 at every precision: under the 50-digit floor (1.6e-48), above the 75-digit one
  // (1.6e-73), and it does not shrink. A judge that took "under the floor at D" for equality
  // without the confirmation at D + 25 would call it equal.
  std::vector<unsigned> precisions;
  const verdict v = judge_planted([](int) { return pow(high(10), -60); }, precisions);
  EXPECT_EQ(v.kind, verdict_kind::different) << v.to_text();
  EXPECT_EQ(precisions, (std::vector<unsigned>{75, 50}));
  ASSERT_TRUE(v.confirmed && v.distance);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::did_not_shrink);
  EXPECT_EQ(v.distance->exponent, -60);
  EXPECT_EQ(v.confirmed->distance.exponent, -60);
}

TEST(Verdict, ADifferenceThatScalesWithThePrecisionUnderBothFloorsIsEqual) {
  // 3 × 10^(1-digits): a rounding residue, under the floor (16 × 10^(1-digits)) at 50 and at
  // 75 digits. Decided at 75 digits alone.
  std::vector<unsigned> precisions;
  const verdict v = judge_planted([](int d) { return 3 * pow(high(10), 1 - d); }, precisions);
  EXPECT_EQ(v.kind, verdict_kind::equal_to_precision) << v.to_text();
  EXPECT_EQ(precisions, std::vector<unsigned>{75});
  ASSERT_TRUE(v.confirmed);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::under_floor);
  EXPECT_EQ(v.confirmed->distance.exponent, -74);
}

TEST(Verdict, ATinyConstantDifferenceAboveTheHigherFloorIsDifferentAfterEvaluatingBothPrecisions) {
  // 1e-70 at every precision: tiny at both, under the 50-digit floor, above the 75-digit one.
  // Whether it shrank can only be told by evaluating at 50 digits too, and it did not.
  std::vector<unsigned> precisions;
  const verdict v = judge_planted([](int) { return pow(high(10), -70); }, precisions);
  EXPECT_EQ(v.kind, verdict_kind::different) << v.to_text();
  EXPECT_EQ(precisions, (std::vector<unsigned>{75, 50})); // the order verdict.hpp documents
  ASSERT_TRUE(v.confirmed && v.distance);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::did_not_shrink);
  EXPECT_EQ(v.confirmed->digits, 75);
  EXPECT_EQ(v.distance->exponent, -70);           // measured at 50 digits
  EXPECT_EQ(v.confirmed->distance.exponent, -70); // measured at 75 digits
  EXPECT_TRUE(contains(v.evidence_text(), "did not shrink")) << v.evidence_text();
}

TEST(Verdict, ADifferenceThatFallsWithThePrecisionAboveBothFloorsShrank) {
  // 10^(31-digits): 10^30 times the floor's scale, above both floors, and 25 orders smaller at
  // 75 digits than at 50: a cancellation, equal after both evaluations.
  std::vector<unsigned> precisions;
  const verdict v = judge_planted([](int d) { return pow(high(10), 31 - d); }, precisions);
  EXPECT_EQ(v.kind, verdict_kind::equal_to_precision) << v.to_text();
  EXPECT_EQ(precisions, (std::vector<unsigned>{75, 50}));
  ASSERT_TRUE(v.confirmed && v.distance);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::shrank);
  EXPECT_EQ(v.distance->exponent, -19);
  EXPECT_EQ(v.confirmed->distance.exponent, -44);
}

TEST(Verdict, HighRungVerdictTextNamesTheToleranceAndTheDigits) {
  const auto v = judge_high("left", "right", 50, small_operations, [] {
    return sides<high>{column({from_exact<high>(exact(1, 3))}), column({from_exact<high>(exact(1, 3))})};
  });
  EXPECT_TRUE(contains(v.rung_name(), "50 digits")) << v.rung_name();
  EXPECT_TRUE(contains(v.tolerance_text(), "16 operations × 10^(1-50)")) << v.tolerance_text();
  EXPECT_TRUE(contains(v.evidence_text(), "evaluated at 75 digits")) << v.evidence_text(); // 50 + 25 extra
  const std::string text = v.to_text();
  for (const std::string &needle : {std::string("tolerance: ") + v.tolerance_text(), std::string("50 digits"),
                                    std::string("75 digits"), std::string("left"), std::string("right")})
    EXPECT_TRUE(contains(text, needle)) << needle << " missing from\n" << text;
  EXPECT_TRUE(contains(v.summary(), v.tolerance_text())) << v.summary();
}

TEST(Verdict, ExtraDigitsAreANamedTolerance) {
  tolerances tol;
  tol.extra_digits = 10;
  const auto v = judge_high("a", "b", 30, small_operations, [] {
    return sides<high>{column({from_exact<high>(exact(2, 3))}), column({from_exact<high>(exact(2, 3))})};
  }, tol);
  EXPECT_TRUE(v.equal());
  EXPECT_TRUE(contains(v.evidence_text(), "evaluated at 40 digits")) << v.evidence_text(); // 30 + 10
  EXPECT_TRUE(contains(v.tolerance_text(), "10^(1-30)")) << v.tolerance_text();
}

TEST(Verdict, AVerdictCarriesItsNumbers) {
  // 1/3 against 1/4: the distance, the floor and the confirmation are values, not text.
  const auto v = judge_high("a", "b", 50, small_operations, [] {
    return sides<high>{column({from_exact<high>(exact(1, 3))}), column({from_exact<high>(exact(1, 4))})};
  });
  ASSERT_TRUE(v.distance && v.floor && v.confirmed);
  EXPECT_EQ(v.on, rung::high);
  EXPECT_EQ(v.digits, 50);
  EXPECT_EQ(v.distance->exponent, -2);                     // 1/12 = 8.33e-02
  EXPECT_EQ(v.distance->scientific(), "8.33e-02");
  EXPECT_EQ(v.floor->operations, small_operations);
  EXPECT_EQ(v.floor->digits, 50);
  EXPECT_EQ(v.floor->value.exponent, -48);                 // 16 × 10^(1-50) = 1.6e-48
  EXPECT_EQ(v.confirmed->digits, 75);
  EXPECT_EQ(v.confirmed->found, confirmation::finding::did_not_shrink);
  EXPECT_LT(v.floor->value, *v.distance);
}

TEST(Verdict, MagnitudesRoundAcrossAPowerOfTen) {
  EXPECT_EQ((magnitude{9.996, -3}).scientific(), "1.00e-02");
  EXPECT_EQ((magnitude{1.5, -400}).scientific(), "1.50e-400");
  EXPECT_EQ((magnitude{1.5, -400}).to_double(), 0.0); // below double's range, still a value
  EXPECT_LT((magnitude{9.9, -401}), (magnitude{1.0, -400}));
  EXPECT_EQ((magnitude{}).scientific(), "0.00e+00");
}

TEST(Verdict, ANaNSideIsNeverEqual) {
  // [5, NaN] against [5, 1]: the NaN must not vanish from the distance (std::max drops it).
  const auto v = judge_high("a", "b", 50, small_operations, [] {
    return sides<high>{column({high(5), high(std::numeric_limits<double>::quiet_NaN())}),
                       column({high(5), high(1)})};
  });
  EXPECT_FALSE(v.equal());
  EXPECT_EQ(v.kind, verdict_kind::different);
  EXPECT_TRUE(contains(v.evidence_text(), "component 1 of a is NaN")) << v.evidence_text();
}

TEST(Verdict, NaNOnBothSidesIsNotEqualEither) {
  const auto v = judge_high("a", "b", 50, small_operations, [] {
    const high nan(std::numeric_limits<double>::quiet_NaN());
    return sides<high>{column({nan}), column({nan})};
  });
  EXPECT_FALSE(v.equal());
}

TEST(Verdict, AnInfiniteSideIsNeverEqual) {
  const auto v = judge_high("a", "b", 50, small_operations, [] {
    const high inf(std::numeric_limits<double>::infinity());
    return sides<high>{column({inf, high(1)}), column({inf, high(1)})};
  });
  EXPECT_FALSE(v.equal());
  EXPECT_TRUE(contains(v.evidence_text(), "component 0 of a is infinite")) << v.evidence_text();
}

TEST(Verdict, RelativeDistanceIsAbsoluteBelowOne) {
  precision_scope scope(50);
  const vec<high> a = column({high(0), high(4)}), b = column({high(1) / 1024, high(3)});
  EXPECT_EQ(relative_distance(a, b), high(1) / 4);                         // |4 - 3| / 4
  EXPECT_EQ(relative_distance(column({high(0)}), column({high(1) / 8})), high(1) / 8); // scale 1
}

// ---------------------------------------------------------------------------------------------
// Interval rung

TEST(Verdict, IntervalCertifiesDisjointEnclosures) {
  precision_scope scope(50);
  const exact third(1, 3);
  const sides<interval> s{column({from_exact<interval>(third), from_exact<interval>(third)}),
                          column({from_exact<interval>(third),
                                  from_exact<interval>(third + exact(1) / power_of_ten(40))})};
  const auto v = judge_interval("x", "x + 10^-40", 50, s);
  EXPECT_EQ(v.kind, verdict_kind::certified_different) << v.to_text();
  EXPECT_FALSE(v.equal());
  EXPECT_TRUE(contains(v.evidence_text(), "component 1")) << v.evidence_text();
  EXPECT_TRUE(contains(v.rung_name(), "50 digits")) << v.rung_name();
}

TEST(Verdict, IntervalReportsOverlappingEnclosuresAsNotCertified) {
  precision_scope scope(50);
  const sides<interval> s{column({interval(0, 1)}), column({interval(0.5, 2)})};
  const auto v = judge_interval("a", "b", 50, s);
  EXPECT_EQ(v.kind, verdict_kind::not_certified) << v.to_text();
  EXPECT_FALSE(v.equal()); // not certified is not a claim of equality either
  EXPECT_TRUE(contains(v.evidence_text(), "overlap")) << v.evidence_text();
}

TEST(Verdict, IntervalCannotCertifyADifferenceBelowItsPrecision) {
  // The same 10^-40 gap at 20 digits: both enclosures are wider than the gap and overlap.
  precision_scope scope(20);
  const exact third(1, 3);
  const sides<interval> s{column({from_exact<interval>(third)}),
                          column({from_exact<interval>(third + exact(1) / power_of_ten(40))})};
  const auto v = judge_interval("x", "x + 10^-40", 20, s);
  EXPECT_EQ(v.kind, verdict_kind::not_certified) << v.to_text();
  EXPECT_TRUE(contains(v.rung_name(), "20 digits")) << v.rung_name();
  EXPECT_TRUE(contains(v.tolerance_text(), "enclosures")) << v.tolerance_text();
}

TEST(Verdict, KindsHaveTheirNames) {
  EXPECT_EQ(to_string(verdict_kind::exactly_equal), "exactly equal");
  EXPECT_EQ(to_string(verdict_kind::equal_to_precision), "equal to working precision");
  EXPECT_EQ(to_string(verdict_kind::different), "different");
  EXPECT_EQ(to_string(verdict_kind::certified_different), "certified different");
  EXPECT_EQ(to_string(verdict_kind::not_certified), "not certified");
}

} // namespace
} // namespace gradlaws
