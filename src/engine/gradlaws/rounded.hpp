#pragma once
// Running error analysis: a machine value (double, float, bfloat16 or float16, computed exactly
// as F arithmetic computes it) together with a bound on its distance from the exact value of
// the same expression on the same inputs. The machine rung's law verdict compares the two sides
// a user's code computed in F under the sum of their bounds; its accuracy verdict compares each
// side with the exact value (gradlaws/verdict.hpp).
//
// Every operation charges what IEEE 754 arithmetic in round-to-nearest can lose (Higham,
// Accuracy and Stability of Numerical Algorithms, 2nd ed., §2.2 and §3.3): the result r of a
// basic operation on the computed operands is within u·|r| + η of their exact result (u the
// format's unit roundoff, η what its subnormal range may lose: both derived for each format in
// machine_format_traits below), and the operands' own errors propagate through the operation by
// the mean value theorem, second-order terms included:
//
//   a ± b    e_a + e_b + u|r| + η
//   a · b    |a| e_b + |b| e_a + e_a e_b + u|r| + η
//   a / b    (e_a + |a/b| e_b) / (|b| − e_b) + u|r| + η        (unbounded when |b| ≤ e_b)
//   f(a)     max |f′| over [a − e_a, a + e_a] · e_a + k_f ulp(r) + η
//
// An overflow (an infinite value, or a bound that comes out as ∞ − ∞ or 0 · ∞) leaves the
// bound infinite: nothing is claimed, and the verdict says the case could not be judged.
//
// k_f is the largest error of the math library's f in ulps, from the GNU C Library's published
// table for x86_64 (libm-test-ulps): exp, log, log1p and erf 1 ulp, tanh 2, erfc 5; sqrt is
// correctly rounded (½ ulp). On bfloat16 and float16, f is float's f rounded to the format: k
// ulps of the format cover float's error and the final rounding together (k ≥ ½). The bound
// is computed in double and each result is rounded up by 2^-50 of itself, which covers the
// rounding of the few additions that make it.
//
// A comparison decides on the computed values. When the operands are closer than their error
// bounds the exact computation might have taken the other branch, and no bound holds across a
// branch: such a comparison is counted (branch_doubts()), and a verdict whose reference had a
// doubtful branch says so instead of judging.

#include "gradlaws/scalar.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace gradlaws {

/// Comparisons of running-error values whose order the error bounds could not decide, on
/// this thread since the last reset.
long &branch_doubts();

/// A format of the machine rung: its unit roundoff u (|fl(x) − x| ≤ u|x| in the normal range),
/// the absolute error η a result in its subnormal range may take, its precision and range, and
/// its name.
template <class F> struct machine_format_traits;
/// double and float: u = 2^-53 and 2^-24. η is the smallest normal number: gradual underflow
/// loses at most half a subnormal, but code run with flush-to-zero or denormals-are-zero (set
/// by math libraries such as oneDNN, or by -ffast-math builds) turns a subnormal into 0, and
/// the bound must hold for the code as it runs.
template <> struct machine_format_traits<double> {
  static constexpr double u = 0x1p-53;
  static constexpr double eta = 0x1p-1022;
  static constexpr int digits = 53;          ///< significant bits
  static constexpr int min_exponent = -1021;   ///< of the smallest normal, as std::frexp gives it
  static constexpr double largest = 0x1.fffffffffffffp+1023; ///< the largest finite number
  static constexpr const char *name = "double";
};
template <> struct machine_format_traits<float> {
  static constexpr double u = 0x1p-24;
  static constexpr double eta = 0x1p-126;
  static constexpr int digits = 24;          ///< significant bits
  static constexpr int min_exponent = -125;   ///< of the smallest normal, as std::frexp gives it
  static constexpr double largest = 0x1.fffffep+127; ///< the largest finite number
  static constexpr const char *name = "float";
};
/// bfloat16 (8 significant bits, float's exponent range): u = 2^-8. Eigen computes each
/// operation in float and rounds the float result to bfloat16, so a result is rounded twice:
/// |r − x| ≤ 2^-8|r_f| + 2^-24|x| ≤ (2^-8 + 2^-23)|r| in the normal range, and u is charged as
/// 2^-8 + 2^-23. η: the float arithmetic underneath flushes as float does (float's smallest
/// normal, which is bfloat16's too).
template <> struct machine_format_traits<Eigen::bfloat16> {
  static constexpr double u = 0x1p-8 + 0x1p-23;
  static constexpr double eta = 0x1p-126;
  static constexpr int digits = 8;          ///< significant bits
  static constexpr int min_exponent = -125;   ///< of the smallest normal, as std::frexp gives it
  static constexpr double largest = 0x1.fep+127; ///< the largest finite number
  static constexpr const char *name = "bfloat16";
};
/// float16 (IEEE binary16: 11 significant bits, normal from 2^-14): u = 2^-11, charged as
/// 2^-11 + 2^-23 for the same double rounding through float. η: half of the smallest subnormal
/// 2^-24. The float arithmetic underneath flushes only below 2^-126, far under float16's
/// range, and the conversion to float16 keeps its subnormals (Eigen's and the F16C
/// instructions' alike), so a result there loses at most half a float16 subnormal.
template <> struct machine_format_traits<Eigen::half> {
  static constexpr double u = 0x1p-11 + 0x1p-23;
  static constexpr double eta = 0x1p-25;
  static constexpr int digits = 11;          ///< significant bits
  static constexpr int min_exponent = -13;   ///< of the smallest normal, as std::frexp gives it
  static constexpr double largest = 65504.0; ///< the largest finite number
  static constexpr const char *name = "float16";
};
/// True for the formats of the machine rung.
template <class F>
inline constexpr bool is_machine_format_v = requires { machine_format_traits<F>::u; };

/// One unit in the last place of format F at a ≥ 0: the spacing of F's numbers just above a
/// (its subnormal spacing below the smallest normal, ∞ beyond the largest number).
template <class F> double ulp_in(double a) {
  using t = machine_format_traits<F>;
  if (!(a <= t::largest)) return std::numeric_limits<double>::infinity();
  int e = 0;
  std::frexp(a, &e); // a = m · 2^e, ½ ≤ m < 1
  return std::ldexp(1.0, std::max(e, t::min_exponent) - t::digits);
}

namespace detail {
/// A math library function on F: std's for double and float; for the 16-bit formats the float
/// function rounded to F, which is how Eigen computes them.
template <class F, class G> F library_call(const G &g, F x) {
  if constexpr (std::is_same_v<F, double> || std::is_same_v<F, float>) return g(x);
  else return F(g(float(x)));
}
} // namespace detail

template <class F> struct rounded {
  static_assert(is_machine_format_v<F>, "rounded<F>: F is double, float, Eigen::bfloat16 or Eigen::half");
  using value_type = F;
  /// Unit roundoff, and the absolute error a result in F's subnormal range may take
  /// (machine_format_traits).
  static constexpr double u = machine_format_traits<F>::u;
  static constexpr double eta = machine_format_traits<F>::eta;

  F v{0};       ///< the value F arithmetic computes
  double e = 0; ///< |v − exact value| ≤ e

  rounded() = default;
  rounded(int c) : v(F(c)), e(std::abs(double(c) - double(F(c)))) {} // NOLINT: literals
  rounded(double c) : v(F(c)), e(std::abs(c - double(F(c)))) {}       // NOLINT: literals
  rounded(F value, double bound) : v(value), e(bound) {}

  /// A bound that is not a number (∞ − ∞ or 0 · ∞ from an overflow upstream) is unbounded.
  /// The bound's own arithmetic rounds to nearest: a sum of a few charges may come out an ulp
  /// under its exact value, so every bound is rounded up by 2^-50 of itself (a few ulps).
  static double bounded(double e) {
    return std::isnan(e) ? std::numeric_limits<double>::infinity() : e + std::ldexp(e, -50);
  }
  /// The charge for rounding the result r of one operation.
  static double rounding(F r) { return u * std::abs(double(r)) + eta; }
  /// The charge for a math library result r within k ulps (an ulp of r is at most 2u|r|).
  static double library(F r, double ulps) { return 2 * ulps * u * std::abs(double(r)) + eta; }

  rounded &operator+=(const rounded &o) {
    v += o.v;
    e = bounded(e + o.e + rounding(v));
    return *this;
  }
  rounded &operator-=(const rounded &o) {
    v -= o.v;
    e = bounded(e + o.e + rounding(v));
    return *this;
  }
  rounded &operator*=(const rounded &o) {
    const double a = std::abs(double(v)), b = std::abs(double(o.v));
    const double propagated = a * o.e + b * e + e * o.e;
    v *= o.v;
    e = bounded(propagated + rounding(v));
    return *this;
  }
  rounded &operator/=(const rounded &o) {
    const double b = std::abs(double(o.v));
    const double q = std::abs(double(v) / double(o.v));
    const double propagated = b > o.e ? (e + q * o.e) / (b - o.e)
                                      : std::numeric_limits<double>::infinity();
    v /= o.v;
    e = bounded(propagated + rounding(v));
    return *this;
  }
};

template <class F> rounded<F> operator+(rounded<F> a, const rounded<F> &b) { return a += b; }
template <class F> rounded<F> operator-(rounded<F> a, const rounded<F> &b) { return a -= b; }
template <class F> rounded<F> operator*(rounded<F> a, const rounded<F> &b) { return a *= b; }
template <class F> rounded<F> operator/(rounded<F> a, const rounded<F> &b) { return a /= b; }
template <class F> rounded<F> operator-(const rounded<F> &a) { return {F(-a.v), a.e}; }
template <class F> rounded<F> operator+(const rounded<F> &a) { return a; }

namespace detail {
/// Records a comparison the error bounds could not decide.
template <class F> void note_branch(const rounded<F> &a, const rounded<F> &b) {
  if (std::abs(double(a.v) - double(b.v)) <= a.e + b.e && (a.e > 0 || b.e > 0)) ++branch_doubts();
}
} // namespace detail

template <class F> bool operator<(const rounded<F> &a, const rounded<F> &b) {
  detail::note_branch(a, b);
  return a.v < b.v;
}
template <class F> bool operator>(const rounded<F> &a, const rounded<F> &b) { return b < a; }
template <class F> bool operator<=(const rounded<F> &a, const rounded<F> &b) { return !(b < a); }
template <class F> bool operator>=(const rounded<F> &a, const rounded<F> &b) { return !(a < b); }
/// Equality of the computed values (what F arithmetic would answer), without error bounds.
template <class F> bool operator==(const rounded<F> &a, const rounded<F> &b) { return a.v == b.v; }
template <class F> bool operator!=(const rounded<F> &a, const rounded<F> &b) { return a.v != b.v; }

// Elementary functions: the computed value by F's math library, and the bound of the table
// above. `reach` is the interval [v − e, v + e] the exact argument lies in.
template <class F> rounded<F> exp(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::exp(x); }, a.v);
  // exp is increasing and convex: the largest change over the reach is exp(v)(e^e − 1).
  const double propagated = std::exp(double(a.v)) * std::expm1(a.e);
  return {r, rounded<F>::bounded(propagated + rounded<F>::library(r, 1))};
}
template <class F> rounded<F> log(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::log(x); }, a.v);
  const double low = double(a.v) - a.e; // |log′| = 1/x is largest at the reach's low end
  const double propagated = low > 0 ? a.e / low : std::numeric_limits<double>::infinity();
  return {r, rounded<F>::bounded(propagated + rounded<F>::library(r, 1))};
}
template <class F> rounded<F> log1p(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::log1p(x); }, a.v);
  const double low = 1 + double(a.v) - a.e;
  const double propagated = low > 0 ? a.e / low : std::numeric_limits<double>::infinity();
  return {r, rounded<F>::bounded(propagated + rounded<F>::library(r, 1))};
}
template <class F> rounded<F> sqrt(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::sqrt(x); }, a.v);
  // |√x − √y| = |x − y| / (√x + √y) ≤ e / √v, and ≤ √e near 0.
  const double s = std::sqrt(std::abs(double(a.v)));
  const double propagated = s > 0 ? std::min(a.e / s, std::sqrt(a.e)) : std::sqrt(a.e);
  return {r, rounded<F>::bounded(propagated + rounded<F>::library(r, 0.5))};
}
namespace detail {
/// The smallest |x| over the reach of a.
template <class F> double nearest_to_zero(const rounded<F> &a) {
  return std::max(0.0, std::abs(double(a.v)) - a.e);
}
} // namespace detail
template <class F> rounded<F> tanh(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::tanh(x); }, a.v);
  const double t = std::tanh(detail::nearest_to_zero(a)); // tanh′ = 1 − tanh² peaks nearest 0
  return {r, rounded<F>::bounded((1 - t * t) * a.e + rounded<F>::library(r, 2))};
}
template <class F> rounded<F> erf(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::erf(x); }, a.v);
  const double m = detail::nearest_to_zero(a); // erf′ = (2/√π) e^{−x²} peaks nearest 0
  const double slope = 1.1283791670955126 * std::exp(-m * m);
  return {r, rounded<F>::bounded(slope * a.e + rounded<F>::library(r, 1))};
}
template <class F> rounded<F> erfc(const rounded<F> &a) {
  const F r = detail::library_call<F>([](auto x) { return std::erfc(x); }, a.v);
  const double m = detail::nearest_to_zero(a);
  const double slope = 1.1283791670955126 * std::exp(-m * m);
  return {r, rounded<F>::bounded(slope * a.e + rounded<F>::library(r, 5))};
}
/// |a|: exact, and 1-Lipschitz.
template <class F> rounded<F> abs(const rounded<F> &a) { return {a.v < F(0) ? F(-a.v) : a.v, a.e}; }

/// π in F, with its representation error.
template <class F> rounded<F> pi_constant(const rounded<F> *) {
  constexpr long double pi = 3.141592653589793238462643383279502884L;
  const F r = F(pi);
  // The long double value of π is itself within one of its ulps of π.
  const long double slack = std::numeric_limits<long double>::epsilon() * pi;
  return {r, rounded<F>::bounded(double(std::abs(pi - static_cast<long double>(r)) + slack))};
}

template <class F> struct scalar_traits<rounded<F>> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::machine;
  static constexpr bool is_ad = false;
  static std::string name() {
    return std::string("machine (") + machine_format_traits<F>::name + ", with a running error bound)";
  }
};

} // namespace gradlaws

namespace Eigen {
template <class F> struct NumTraits<gradlaws::rounded<F>> : gradlaws::detail::real_num_traits<gradlaws::rounded<F>, 1, 2, 4> {};
} // namespace Eigen
