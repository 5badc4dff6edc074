#pragma once
// Forward-mode dual numbers a + b·ε (ε² = 0), the oracle's arithmetic. Over rationals they
// differentiate exactly; over MPFR to working precision. Comparisons look at the value part
// only, so a branch taken at a kink is the branch the value takes.

#include "gradlaws/scalar.hpp"

#include <boost/math/constants/constants.hpp>

#include <cmath>

namespace gradlaws {

/// A value and one directional derivative. T: exact or high.
template <class T> struct dual {
  using value_type = T;
  T v{0}; ///< value
  T d{0}; ///< derivative in the seeded direction

  dual() = default;
  dual(int c) : v(c), d(0) {}     // NOLINT(google-explicit-constructor): literals in formulas
  dual(double c) : v(c), d(0) {}  // NOLINT: only dyadic literals (0.5) appear in formulas
  dual(T value, T derivative) : v(std::move(value)), d(std::move(derivative)) {}
  explicit dual(const T &value) : v(value), d(0) {}

  dual &operator+=(const dual &o) { v += o.v; d += o.d; return *this; }
  dual &operator-=(const dual &o) { v -= o.v; d -= o.d; return *this; }
  dual &operator*=(const dual &o) { d = d * o.v + v * o.d; v *= o.v; return *this; }
  dual &operator/=(const dual &o) {
    d = (d * o.v - v * o.d) / (o.v * o.v);
    v /= o.v;
    return *this;
  }
};

template <class T> struct scalar_traits<dual<T>> {
  static constexpr bool is_exact = scalar_traits<T>::is_exact;
  static constexpr rung kind = scalar_traits<T>::kind;
  static constexpr bool is_dual = true;
  static std::string name() { return "dual over " + scalar_traits<T>::name(); }
};

template <class T> dual<T> operator+(dual<T> a, const dual<T> &b) { return a += b; }
template <class T> dual<T> operator-(dual<T> a, const dual<T> &b) { return a -= b; }
template <class T> dual<T> operator*(dual<T> a, const dual<T> &b) { return a *= b; }
template <class T> dual<T> operator/(dual<T> a, const dual<T> &b) { return a /= b; }
template <class T> dual<T> operator-(const dual<T> &a) { return {-a.v, -a.d}; }
template <class T> dual<T> operator+(const dual<T> &a) { return a; }

template <class T> bool operator<(const dual<T> &a, const dual<T> &b) { return a.v < b.v; }
template <class T> bool operator>(const dual<T> &a, const dual<T> &b) { return a.v > b.v; }
template <class T> bool operator<=(const dual<T> &a, const dual<T> &b) { return a.v <= b.v; }
template <class T> bool operator>=(const dual<T> &a, const dual<T> &b) { return a.v >= b.v; }
template <class T> bool operator==(const dual<T> &a, const dual<T> &b) { return a.v == b.v && a.d == b.d; }
template <class T> bool operator!=(const dual<T> &a, const dual<T> &b) { return !(a == b); }

// Elementary functions: the chain rule, once per function. Only the rungs whose T provides
// the function instantiate them (no exp on rationals).
template <class T> dual<T> exp(const dual<T> &a) {
  using std::exp;
  T e = exp(a.v);
  return {e, e * a.d};
}
template <class T> dual<T> log(const dual<T> &a) {
  using std::log;
  return {log(a.v), a.d / a.v};
}
template <class T> dual<T> log1p(const dual<T> &a) {
  using std::log1p;
  return {log1p(a.v), a.d / (T(1) + a.v)};
}
template <class T> dual<T> sqrt(const dual<T> &a) {
  using std::sqrt;
  T s = sqrt(a.v);
  return {s, a.d / (T(2) * s)};
}
template <class T> dual<T> tanh(const dual<T> &a) {
  using std::tanh;
  T t = tanh(a.v);
  return {t, (T(1) - t * t) * a.d};
}
template <class T> dual<T> erf(const dual<T> &a) {
  using std::erf;
  using std::exp;
  using std::sqrt;
  // d/dx erf(x) = 2/sqrt(pi) · exp(-x²); pi from the value type at its precision.
  const T two_over_sqrt_pi = T(2) / sqrt(boost::math::constants::pi<T>());
  return {erf(a.v), two_over_sqrt_pi * exp(-a.v * a.v) * a.d};
}
template <class T> dual<T> erfc(const dual<T> &a) {
  using std::erfc;
  using std::exp;
  using std::sqrt;
  // d/dx erfc(x) = -2/sqrt(pi) · exp(-x²).
  const T two_over_sqrt_pi = T(2) / sqrt(boost::math::constants::pi<T>());
  return {erfc(a.v), -two_over_sqrt_pi * exp(-a.v * a.v) * a.d};
}
/// |a|, with derivative sign(a.v)·a.d and 0 at a.v = 0 (the convention of the abs activation).
template <class T> dual<T> abs(const dual<T> &a) {
  if (a.v > 0) return a;
  if (a.v < 0) return -a;
  return {T(0), T(0)};
}

} // namespace gradlaws

namespace Eigen {
template <class T> struct NumTraits<gradlaws::dual<T>> : GenericNumTraits<gradlaws::dual<T>> {
  using Real = gradlaws::dual<T>;
  using NonInteger = gradlaws::dual<T>;
  using Nested = gradlaws::dual<T>;
  using Literal = gradlaws::dual<T>;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 2,
    AddCost = 4,
    MulCost = 8
  };
};
} // namespace Eigen
