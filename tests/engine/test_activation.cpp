// Unit tests of the activation registry: every hand-written σ′ against the reverse-mode oracle
// (exactly on the exact rung, to working precision on the high rung) on a dyadic grid that
// includes the kinks; known values; unsupported rungs; registry errors; and a second,
// independent oracle (Boost.Math's forward-mode autodiff) checked against ours.

#include <gradlaws/activation.hpp>
#include <gradlaws/detail/builtin_activations.hpp>
#include <gradlaws/oracle.hpp>
#include <gradlaws/judge.hpp>
#include <gradlaws/literals.hpp>
#include <gradlaws/loss.hpp>

#include <boost/math/differentiation/autodiff.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::message_of;

/// Roughly the roundings in one evaluation of f or f′ (an exp or erf, a division, the chain
/// rule); scales the rounding floor 10^(1-D) into a tolerance.
constexpr double activation_operations = 64;

/// Dyadic points from -3 to 3 in steps of 1/4 (so the kinks 0 and ±1 and their neighbours),
/// two points close to 0 on either side, and two far out.
std::vector<exact> grid() {
  std::vector<exact> g;
  for (int n = -12; n <= 12; ++n) g.push_back(exact(n, 4));
  for (const exact &q : std::vector<exact>{exact(1, 1024), exact(-1, 1024), exact(5), exact(-5)}) g.push_back(q);
  return g;
}

vec<high> one(high x) {
  vec<high> v(1);
  v[0] = std::move(x);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Hand-written derivative against the reverse-mode oracle

TEST(Activation, TheRationalActivationsAreTheOnesTheDesignNames) {
  std::vector<std::string> names;
  for (const activation *a : activations_on(rung::exact)) names.push_back(a->name());
  for (const char *n : {"identity", "relu", "leaky_relu", "abs", "hard_tanh", "square", "cube",
                        "softsign"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  for (const char *n : {"sigmoid", "tanh", "softplus", "gelu", "silu"})
    EXPECT_EQ(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(Activation, HandDerivativeEqualsOracleExactlyOnTheExactRung) {
  for (const activation *a : activations_on(rung::exact))
    for (const exact &z : grid())
      EXPECT_EQ(a->df(z), oracle_derivative(*a, z))
          << a->name() << " at z = " << to_string(z) << " (kinks: " << a->info().kinks << ")";
}

TEST(Activation, HandDerivativeEqualsOracleToWorkingPrecisionOnTheHighRung) {
  for (const activation *a : activations_on(rung::high))
    for (const exact &z : grid()) {
      // Both sides are rebuilt from the exact z at each precision judge_high tries.
      const verdict v = judge_high("σ′ by hand", "σ′ by reverse mode", default_digits,
                                   activation_operations, [&] {
                                     const high zh = from_exact<high>(z);
                                     return sides<high>{one(a->df(zh)),
                                                        one(oracle_derivative(*a, zh))};
                                   });
      EXPECT_TRUE(v.equal()) << a->name() << " at z = " << to_string(z) << "\n" << v.to_text();
    }
}

TEST(Activation, KinkConventionsAreTheDocumentedOnes) {
  EXPECT_EQ(find_activation("relu").df(exact(0)), exact(0));           // σ′(0) = 0
  EXPECT_EQ(find_activation("leaky_relu").df(exact(0)), exact(1, 100)); // σ′(0) = slope
  EXPECT_EQ(find_activation("abs").df(exact(0)), exact(0));            // least-norm subgradient
  EXPECT_EQ(find_activation("hard_tanh").df(exact(1)), exact(0));      // flat piece owns +1
  EXPECT_EQ(find_activation("hard_tanh").df(exact(-1)), exact(0));     // flat piece owns -1
  EXPECT_EQ(find_activation("softsign").df(exact(0)), exact(1));       // 1/(1+|0|)²
  // The oracle follows the branch f takes at the kink, so it agrees with each convention.
  EXPECT_EQ(oracle_derivative(find_activation("leaky_relu"), exact(0)), exact(1, 100));
  EXPECT_EQ(oracle_derivative(find_activation("hard_tanh"), exact(-1)), exact(0));
}

// ---------------------------------------------------------------------------------------------
// Known values

TEST(Activation, SigmoidDerivativeAtZeroIsOneQuarterOnTheHighRung) {
  precision_scope scope(default_digits);
  const activation &s = find_activation("sigmoid");
  EXPECT_EQ(s.df(high(0)), high(1) / 4);                 // σ(0) = 1/(1+e⁰) = 1/2; 1/2 · 1/2
  EXPECT_EQ(oracle_derivative(s, high(0)), high(1) / 4); // e⁰ = 1 exactly; -(-1)/2²
}

TEST(Activation, SigmoidDerivativeAtTheMeanIsNotTheMeanDerivative) {
  // The seed's numbers: z = {0, 1}, mean σ′(z) ≈ 0.2233 but σ′(1/2) ≈ 0.2350.
  precision_scope scope(default_digits);
  const activation &s = find_activation("sigmoid");
  const high mean_of_derivative = (s.df(high(0)) + s.df(high(1))) / 2;
  const high derivative_at_mean = s.df(from_exact<high>(exact(1, 2)));
  EXPECT_EQ(to_string(mean_of_derivative, 4), "0.2233");
  EXPECT_EQ(to_string(derivative_at_mean, 4), "0.235");
}

TEST(Activation, CubeDerivativeAtTheMeanIsNotTheMeanDerivative) {
  const activation &c = find_activation("cube");
  const exact at_mean = c.df((exact(0) + exact(1)) / 2);
  const exact mean = (c.df(exact(0)) + c.df(exact(1))) / 2;
  EXPECT_EQ(at_mean, exact(3, 4)); // 3·(1/2)²
  EXPECT_EQ(mean, exact(3, 2));    // (3·0² + 3·1²)/2
  EXPECT_EQ(oracle_derivative(c, exact(1, 2)), exact(3, 4)); // (z·z·z)′ = 3z² at 1/2
}

TEST(Activation, SquareDerivativeIsAffineSoTheMeanCommutes) {
  const activation &sq = find_activation("square");
  EXPECT_TRUE(sq.info().affine_derivative);
  EXPECT_EQ(sq.df(exact(1, 2)), (sq.df(exact(0)) + sq.df(exact(1))) / 2); // 2·(1/2) = (0 + 2)/2
}

// ---------------------------------------------------------------------------------------------
// Rungs and the registry

TEST(Activation, SigmoidOnTheExactRungThrowsUnsupportedRung) {
  const activation &s = find_activation("sigmoid");
  EXPECT_FALSE(s.supports(rung::exact));
  EXPECT_TRUE(s.supports(rung::high));
  const std::string m = message_of<unsupported_rung_error>([&] { (void)s.f(exact(0)); });
  EXPECT_NE(m.find("sigmoid"), std::string::npos) << m;
  EXPECT_NE(m.find("exact"), std::string::npos) << m;
  EXPECT_THROW((void)s.df(exact(0)), unsupported_rung_error);
  EXPECT_THROW((void)oracle_derivative(s, exact(0)), unsupported_rung_error);
}

TEST(Activation, GeluOnTheIntervalRungEnclosesTheHighValue) {
  // MPFI has no erf: gradlaws encloses erf and erfc by their monotone ends, rounded outwards.
  precision_scope scope(default_digits);
  const activation &g = find_activation("gelu");
  EXPECT_TRUE(g.supports(rung::interval));
  for (const char *z : {"-20", "-3/2", "-1/4", "0", "1/2", "1", "7/2"}) {
    const exact q = parse_exact(z);
    const interval f = g.f(from_exact<interval>(q)), df = g.df(from_exact<interval>(q));
    const high fh = g.f(from_exact<high>(q)), dfh = g.df(from_exact<high>(q));
    EXPECT_TRUE(lower(f) <= fh && fh <= upper(f)) << "gelu(" << z << ")";
    EXPECT_TRUE(lower(df) <= dfh && dfh <= upper(df)) << "gelu'(" << z << ")";
    // Tight to the working precision, bar a few digits of interval growth.
    EXPECT_LT(high(upper(df) - lower(df)), pow(high(10), 10 - default_digits)) << z;
  }
  const interval e = erf_enclosure(interval(1)), c = erfc_enclosure(interval(1));
  EXPECT_TRUE(lower(e) < upper(e)); // rounded outwards: 1 is exact, erf(1) is not
  EXPECT_TRUE(lower(e) + lower(c) <= 1 && 1 <= upper(e) + upper(c));
}

TEST(Activation, ActivationsOnARungAreTheOnesThatRunThere) {
  precision_scope scope(default_digits);
  for (rung r : {rung::exact, rung::high, rung::interval, rung::machine})
    for (const activation *a : activations_on(r)) {
      EXPECT_TRUE(a->supports(r)) << a->name();
      switch (r) {
      case rung::exact: EXPECT_NO_THROW((void)a->df(exact(1, 2))) << a->name(); break;
      case rung::high: EXPECT_NO_THROW((void)a->df(high(0.5))) << a->name(); break;
      case rung::interval: EXPECT_NO_THROW((void)a->df(interval(0.5))) << a->name(); break;
      case rung::machine: EXPECT_NO_THROW((void)a->df(0.5)) << a->name(); break;
      }
    }
}

TEST(Activation, RegisteringADuplicateNameThrows) {
  activation_info duplicate;
  duplicate.name = "relu";
  duplicate.formula = "max(z, 0)";
  const std::string m =
      message_of<error>([&] { register_activation<builtin::relu>(duplicate); });
  EXPECT_NE(m.find("'relu' is already registered"), std::string::npos) << m;
  EXPECT_THROW(register_activation<builtin::relu>(activation_info{}), error); // names are keys
}

TEST(Activation, UnknownNameThrowsAndListsTheKnownNames) {
  const std::string m = message_of<unknown_name_error>([] { (void)find_activation("nope"); });
  EXPECT_NE(m.find("unknown activation 'nope'"), std::string::npos) << m;
  for (const activation *a : activations())
    EXPECT_NE(m.find(a->name()), std::string::npos) << a->name() << " missing from: " << m;
}

// ---------------------------------------------------------------------------------------------
// A second, independent oracle: Boost.Math forward-mode autodiff on cpp_bin_float_50, applied
// to the built-in formula structs, against our reverse-mode oracle (adjoint<high>) through the registry.

namespace autodiff = boost::math::differentiation;
using bin50 = boost::multiprecision::cpp_bin_float_50;

bin50 to_bin50(const exact &q) {
  // Grid points are dyadic with small numerators: exact in binary floating point.
  return bin50(numerator(q).convert_to<long>()) / bin50(denominator(q).convert_to<long>());
}

template <class Impl> high autodiff_derivative(const exact &z) {
  const bin50 d = Impl::f(autodiff::make_fvar<bin50, 1>(to_bin50(z))).derivative(1);
  return high(d.str(std::numeric_limits<bin50>::max_digits10, std::ios_base::scientific));
}

/// max |ours - theirs| (relative to the larger side, absolute below 1) over the grid, against
/// the rounding floor of the less precise of the two oracles.
template <class Impl> void expect_oracles_agree(const char *name) {
  precision_scope scope(default_digits);
  const activation &a = find_activation(name);
  const int shared_digits = std::min(working_digits(), std::numeric_limits<bin50>::digits10);
  const high tolerance = high(activation_operations) * pow(high(10), 1 - shared_digits);
  for (const exact &z : grid()) {
    const high ours = oracle_derivative(a, from_exact<high>(z));
    const high theirs = autodiff_derivative<Impl>(z);
    const high distance = relative_distance(one(ours), one(theirs));
    EXPECT_LE(distance, tolerance)
        << name << " at z = " << to_string(z) << ": adjoint<high> " << to_string(ours, 30)
        << " vs Boost autodiff " << to_string(theirs, 30) << "; tolerance "
        << to_string(tolerance, 3) << " = " << activation_operations << " × 10^(1-"
        << shared_digits << ")";
  }
}

// softplus is left out: its formula calls log1p, for which Boost 1.81's autodiff has no fvar
// overload (it does not compile). softplus′ = σ is covered through sigmoid below.
TEST(Activation, BoostAutodiffAgreesWithOurOracleOnSigmoid) {
  expect_oracles_agree<builtin::sigmoid>("sigmoid");
}
TEST(Activation, BoostAutodiffAgreesWithOurOracleOnTanh) {
  expect_oracles_agree<builtin::tanh_fn>("tanh");
}
TEST(Activation, BoostAutodiffAgreesWithOurOracleOnSilu) {
  expect_oracles_agree<builtin::silu>("silu");
}
TEST(Activation, BoostAutodiffAgreesWithOurOracleOnGelu) {
  expect_oracles_agree<builtin::gelu>("gelu");
}
// The rational formulas compile for fvar too; their kinks take the same branch in both oracles.
TEST(Activation, BoostAutodiffAgreesWithOurOracleOnTheRationalActivations) {
  expect_oracles_agree<builtin::identity>("identity");
  expect_oracles_agree<builtin::relu>("relu");
  expect_oracles_agree<builtin::leaky_relu>("leaky_relu");
  expect_oracles_agree<builtin::abs_value>("abs");
  expect_oracles_agree<builtin::hard_tanh>("hard_tanh");
  expect_oracles_agree<builtin::square>("square");
  expect_oracles_agree<builtin::cube>("cube");
  expect_oracles_agree<builtin::softsign>("softsign");
}

} // namespace
} // namespace gradlaws

namespace gradlaws {
namespace {

TEST(ActivationNumerics, GeluKeepsItsDigitsFarInTheLeftTail) {
  // Φ(z) as (1 + erf(z/√2))/2 cancels to exactly 0 below z ≈ -15 at 50 digits; through erfc
  // it keeps them: Φ(-20) = 2.7536…e-89, so gelu(-20) = -20 Φ(-20).
  precision_scope scope(default_digits);
  const high phi = -find_activation("gelu").f(high(-20)) / 20;
  EXPECT_GT(phi, 0);
  EXPECT_EQ(to_significant(phi, 5), "2.7536e-89");
  // Both pieces of Φ meet at 0 with the oracle's derivative φ(0) = 1/√(2π) there.
  EXPECT_EQ(oracle_derivative(find_activation("gelu"), high(0)),
            find_activation("gelu").df(high(0)));
}

TEST(ActivationNumerics, SoftplusDoesNotOverflowOnTheMachineRung) {
  const activation &softplus = find_activation("softplus");
  EXPECT_EQ(softplus.f(800.0), 800.0); // log(1 + e^800) = 800 + log(1 + e^-800)
  EXPECT_EQ(softplus.f(800.0f), 800.0f);
  EXPECT_TRUE(std::isfinite(softplus.f(-800.0)));
  EXPECT_EQ(softplus.df(800.0), 1.0);
}

TEST(ActivationNumerics, BceOnLargeLogitsIsFiniteOnTheMachineRung) {
  const loss &bce = find_loss("bce_logits");
  vec<double> yhat(1), y(1);
  yhat << 800.0;
  y << 1.0;
  EXPECT_EQ(bce.value(yhat, y), 0.0); // softplus(800) - 800
  y << 0.0;
  EXPECT_EQ(bce.value(yhat, y), 800.0);
}

} // namespace
} // namespace gradlaws

// ---------------------------------------------------------------------------------------------
// σ′ from the kept output: the same value as σ′(z), on every rung.

namespace gradlaws {
namespace {

template <class T> void expect_df_given_is_df(const activation &a, const exact &z) {
  if (!a.supports(scalar_traits<T>::kind)) return;
  const T zt = from_exact<T>(z);
  const T by_output = a.df_given(zt, a.f(zt)), direct = a.df(zt);
  if constexpr (is_rounded_v<T>) {
    EXPECT_EQ(by_output.v, direct.v) << a.name() << " at " << to_string(z);
    EXPECT_EQ(by_output.e, direct.e) << a.name() << " at " << to_string(z);
  } else {
    EXPECT_TRUE(by_output == direct) << a.name() << " at " << to_string(z);
  }
}

TEST(Activation, TheDerivativeFromTheKeptOutputIsTheDerivative) {
  const precision_scope scope(default_digits);
  for (const activation *a : activations())
    for (const exact &z : grid()) {
      expect_df_given_is_df<exact>(*a, z);
      expect_df_given_is_df<high>(*a, z);
      expect_df_given_is_df<double>(*a, z);
      expect_df_given_is_df<float>(*a, z);
      expect_df_given_is_df<rounded<double>>(*a, z);
    }
}

TEST(Scalar, DyadicValuesConvertAsTheGeneralConversionDoes) {
  const precision_scope scope(default_digits);
  for (const exact &q : std::vector<exact>{exact(3, 4), exact(-5, 16), exact(1, 3), exact(7), exact(-1, 1024),
                         exact(mp::mpz_int((mp::mpz_int(1) << 60) + 1), mp::mpz_int(4)), exact(mp::mpz_int(1), mp::mpz_int(mp::mpz_int(1) << 200))}) {
    high general;
    mpfr_set_q(general.backend().data(), q.backend().data(), MPFR_RNDN);
    EXPECT_TRUE(from_exact<high>(q) == general) << to_string(q);
    EXPECT_EQ(from_exact<double>(q), q.convert_to<double>()) << to_string(q);
    EXPECT_EQ(from_exact<float>(q), q.convert_to<float>()) << to_string(q);
  }
}

TEST(Adjoint, ConstantsRecordNothingAndNestedRecordingsAreSeparate) {
  using A = adjoint<exact>;
  adjoint_recording<exact> outer;
  const A x = outer.variable(exact(3));
  const A c = A(exact(5)) * A(exact(2)); // constants only: no node
  EXPECT_EQ(c.node, -1);
  {
    adjoint_recording<exact> inner;
    const A u = inner.variable(exact(2));
    EXPECT_EQ(inner.gradient(u * u * u, 1)[0], exact(12)); // 3u² at 2
  }
  const A y = x * x / (x + c); // x²/(x + 10) at 3: (2x(x+10) - x²)/(x+10)² = 69/169
  EXPECT_EQ(outer.gradient(y, 1)[0], exact(69, 169));
}

} // namespace
} // namespace gradlaws

namespace gradlaws {
namespace {
TEST(Scalar, DyadicFractionsAreTheCanonicalRationals) {
  for (long n : {0L, 1L, -1L, 2L, -6L, 8L, 12L, -16L, 7L, 1L << 40})
    for (unsigned e : {0u, 1u, 2u, 3u, 5u})
      EXPECT_TRUE(dyadic_fraction(n, e) == exact(n) / exact(1L << e)) << n << " / 2^" << e;
  EXPECT_EQ(to_string(dyadic_fraction(-6, 2)), "-3/2");
  EXPECT_EQ(to_string(dyadic_fraction(8, 2)), "2");
  // In place over an earlier value, in machine words (e < 63) and through GMP (e ≥ 63).
  exact q(1, 3);
  for (long n : {0L, 5L, -12L, LONG_MIN, LONG_MAX, 1L << 62})
    for (unsigned e : {0u, 4u, 62u, 63u, 70u}) {
      set_dyadic(q, n, e);
      const exact expected = exact(n) / exact(mp::mpz_int(1) << e);
      EXPECT_TRUE(q == expected) << n << " / 2^" << e;
      EXPECT_EQ(to_string(q), to_string(expected)) << n << " / 2^" << e;
    }
}

TEST(Scalar, MachineConversionsOfDyadicsRoundAsBoostDoes) {
  // Numerators around the float and double significands: exact below them, rounded above.
  for (long n : {(1L << 24) - 1, 1L << 24, (1L << 24) + 1, (1L << 53) - 1, 1L << 53,
                 (1L << 53) + 1, -((1L << 53) + 1), LONG_MAX, LONG_MIN})
    for (unsigned e : {0u, 3u, 119u, 120u, 200u}) {
      const exact q = exact(n) / exact(mp::mpz_int(1) << e);
      EXPECT_EQ(from_exact<double>(q), q.convert_to<double>()) << n << " / 2^" << e;
      EXPECT_EQ(from_exact<float>(q), q.convert_to<float>()) << n << " / 2^" << e;
    }
}
} // namespace
} // namespace gradlaws

// ---------------------------------------------------------------------------------------------
// The tails: σ′ and tanh′ keep their relative accuracy where σ and tanh round to ±1.

namespace gradlaws {
namespace {

/// |got − want| / |want| at 100 digits, with got printed at its own precision (so that the
/// comparison does not depend on how MPFR mixes precisions).
high relative_error_at_100_digits(const std::string &got, const std::function<high()> &want) {
  const precision_scope scope(100);
  const high w = want(), g(got);
  return high(abs(g - w) / abs(w));
}

TEST(ActivationNumerics, SigmoidAndTanhDerivativesKeepTheirDigitsInTheTailsOnTheHighRung) {
  const precision_scope scope(default_digits);
  const activation &sigmoid = find_activation("sigmoid"), &tanh = find_activation("tanh");
  const auto sigmoid_prime = [](int z) { // e^-|z| / (1 + e^-|z|)², at the scope's precision
    return [z] { const high u = exp(high(-std::abs(z))); return high(u / ((1 + u) * (1 + u))); };
  };
  const auto tanh_prime = [](int z) { // sech² z = 4 e^-2|z| / (1 + e^-2|z|)²
    return [z] { const high u = exp(high(-2 * std::abs(z))); return high(4 * u / ((1 + u) * (1 + u))); };
  };
  const high digits45 = pow(high(10), -45);
  for (int z : {120, -120, 200, 1000}) {
    const high zh(z);
    for (const high &got : {sigmoid.df(zh), sigmoid.df_given(zh, sigmoid.f(zh))})
      EXPECT_LT(relative_error_at_100_digits(to_string(got), sigmoid_prime(z)), digits45)
          << "σ′(" << z << ") = " << to_string(got, 20);
  }
  for (int z : {60, -60, 100, 500}) {
    const high zh(z);
    for (const high &got : {tanh.df(zh), tanh.df_given(zh, tanh.f(zh))})
      EXPECT_LT(relative_error_at_100_digits(to_string(got), tanh_prime(z)), digits45)
          << "tanh′(" << z << ") = " << to_string(got, 20);
  }
}

/// |got − want| in units of the spacing of F at got (the subnormal spacing below F's normal range).
template <class F> double ulps_from(F got, const std::string &want) {
  const precision_scope scope(60);
  const F spacing = std::nextafter(got, std::numeric_limits<F>::infinity()) - got;
  return high(abs(high(got) - high(want)) / high(spacing)).template convert_to<double>();
}

TEST(ActivationNumerics, SigmoidAndItsDerivativesAreNotFlushedToZeroWhereRepresentable) {
  const activation &sigmoid = find_activation("sigmoid"), &tanh = find_activation("tanh");
  const precision_scope scope(60);
  // σ(z) = e^z/(1 + e^z) for z < 0: normal down to z ≈ -708.4, subnormal below, 0 below -745.1.
  for (double z : {-700.0, -709.5, -710.0, -720.0, -740.0, -744.0}) {
    const high e = exp(high(z));
    const std::string want = to_string(high(e / (1 + e)));
    EXPECT_GT(sigmoid.f(z), 0.0) << "σ(" << z << ")";
    EXPECT_LE(ulps_from(sigmoid.f(z), want), 2.0) << "σ(" << z << ") = " << sigmoid.f(z);
    const double d = sigmoid.df(-z), given = sigmoid.df_given(-z, sigmoid.f(-z)); // σ′ is even
    EXPECT_LE(ulps_from(d, to_string(high(e / ((1 + e) * (1 + e))))), 4.0) << "σ′(" << -z << ")";
    EXPECT_EQ(given, d) << "σ′(" << -z << ") from the kept output";
  }
  for (float z : {-80.0f, -88.0f, -90.0f, -100.0f, -103.0f}) { // float: subnormal below -87.3
    const high e = exp(high(z));
    EXPECT_GT(sigmoid.f(z), 0.0f) << "σ(" << z << ") in float";
    EXPECT_LE(ulps_from(sigmoid.f(z), to_string(high(e / (1 + e)))), 2.0) << "σ(" << z << ")";
  }
  for (double z : {30.0, 60.0, 300.0, 350.0}) { // sech² z = 4e^-2z/(1 + e^-2z)², normal here
    const high u = exp(high(-2 * z));
    const std::string want = to_string(high(4 * u / ((1 + u) * (1 + u))));
    EXPECT_GT(tanh.df(z), 0.0) << "tanh′(" << z << ")";
    EXPECT_LE(ulps_from(tanh.df(z), want), 4.0) << "tanh′(" << z << ") = " << tanh.df(z);
    EXPECT_EQ(tanh.df_given(z, tanh.f(z)), tanh.df(z)) << "tanh′(" << z << ") from the kept output";
  }
}

TEST(Scalar, NegativeZeroIsPrintedAsZero) {
  const precision_scope scope(default_digits);
  EXPECT_EQ(to_string(-0.0), "0");
  EXPECT_EQ(to_string(-0.0f), "0");
  EXPECT_EQ(to_string(-0.0, 6), "0");
  EXPECT_EQ(to_string(high(-0.0)), "0");
  EXPECT_EQ(to_string(high(-0.0), 6), "0");
  EXPECT_EQ(to_significant(high(-0.0), 5), to_significant(high(0), 5));
  const interval zero(0); // MPFI keeps [0, 0] as [+0, -0]
  EXPECT_EQ(to_string(zero, 10), "[0, 0]");
  EXPECT_EQ(to_string(interval(-1) * zero, 10), "[0, 0]");
  const high minus_zero = -high(0);
  EXPECT_EQ(to_string(vec<high>{{minus_zero, high(1)}}, 5), "[0, 1]");
  EXPECT_EQ(to_string(-1e-300 * 1e-300), "0"); // underflows to -0
  EXPECT_EQ(to_string(-0.5), "-0.5");           // other negative values keep their sign
}

} // namespace
} // namespace gradlaws
