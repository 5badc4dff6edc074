#pragma once
// The built-in activations as structs of function templates. Public so tests can evaluate a
// formula on scalar types outside the ladder (e.g. Boost.Math's autodiff variables).

#include "gradlaws/scalar.hpp"

#include <boost/math/constants/constants.hpp>

#include <cmath>
#include <type_traits>

namespace gradlaws::builtin {

/// π on T: Boost.Math's constant at T's precision, or F's π with its representation error for
/// the machine rung's running-error values.
template <class T> T pi_value() {
  if constexpr (is_rounded_v<T>) return pi_constant(static_cast<const T *>(nullptr));
  else return boost::math::constants::pi<T>();
}

struct identity {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z; }
  template <class T> static T df(const T &) { return T(1); }
};

struct relu {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z > T(0) ? z : T(0); }
  // σ′(0) = 0, as in PyTorch and JAX.
  template <class T> static T df(const T &z) { return z > T(0) ? T(1) : T(0); }
};

struct leaky_relu {
  static constexpr bool rational = true;
  template <class T> static T slope() { return T(1) / T(100); }
  template <class T> static T f(const T &z) { return z > T(0) ? z : slope<T>() * z; }
  // σ′(0) = slope: the negative branch owns the kink, as in PyTorch.
  template <class T> static T df(const T &z) { return z > T(0) ? T(1) : slope<T>(); }
};

// Kink conventions live in the branch structure of f as well as in df: the oracle's
// differentiation follows the branch f takes, so at a kink the oracle sees the same one-sided
// (or constant) piece that df's convention names.

struct abs_value {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) {
    if (z > T(0)) return z;
    if (z < T(0)) return -z;
    return T(0); // the constant piece: derivative 0 at 0
  }
  // σ′(0) = 0 (the subgradient of least norm).
  template <class T> static T df(const T &z) {
    if (z > T(0)) return T(1);
    if (z < T(0)) return T(-1);
    return T(0);
  }
};

struct hard_tanh {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) {
    if (z <= T(-1)) return T(-1); // the flat pieces own the kinks
    if (z >= T(1)) return T(1);
    return z;
  }
  // σ′(±1) = 0: the flat pieces own the kinks, as in PyTorch.
  template <class T> static T df(const T &z) { return (z > T(-1) && z < T(1)) ? T(1) : T(0); }
};

struct square {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z * z; }
  template <class T> static T df(const T &z) { return T(2) * z; }
};

struct cube {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z * z * z; }
  template <class T> static T df(const T &z) { return T(3) * z * z; }
};

struct softsign {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z / (T(1) + abs_value::f(z)); }
  template <class T> static T df(const T &z) {
    const T d = T(1) + abs_value::f(z);
    return T(1) / (d * d);
  }
};

namespace detail {
/// z < 0, decided on the computed value alone. Only for choosing between two expressions of
/// the same function (σ(z) = 1/(1+e^-z) = e^z/(1+e^z)): whichever the value picks, the exact
/// expression is the exact function, so a running-error value's bound holds across the branch
/// and the comparison is not a doubtful branch (rounded.hpp).
template <class T> bool below_zero(const T &z) {
  if constexpr (is_rounded_v<T>) return z.v < 0;
  else return z < T(0);
}
/// z > 0, decided on the computed value alone, as below_zero.
template <class T> bool above_zero(const T &z) {
  if constexpr (is_rounded_v<T>) return z.v > 0;
  else return z > T(0);
}
} // namespace detail

/// σ(z) = 1/(1+e^-z), computed as e^z/(1+e^z) for z < 0: in double and float e^-z overflows
/// for z below about -709.8 (-88.7), while σ(z) ≈ e^z is representable down to -745.1 (-103.9).
/// σ′(z) = σ(z)(1-σ(z)) is even, and is computed at -|z|, where σ ≤ 1/2 and 1 - σ does not
/// cancel: on every rung σ′ keeps its relative accuracy where σ rounds to 1 (σ′(120) ≈ 7.7e-53).
struct sigmoid {
  static constexpr bool rational = false;
  template <class T> static T f(const T &z) {
    using std::exp;
    if constexpr (std::is_same_v<T, high>) {
      // MPFR's exponent range does not overflow here; the same roundings as the formula below,
      // in one variable (no temporary per operation).
      high r;
      mpfr_ptr v = r.backend().data();
      mpfr_neg(v, z.backend().data(), MPFR_RNDN);
      mpfr_exp(v, v, MPFR_RNDN);
      mpfr_add_ui(v, v, 1, MPFR_RNDN);
      mpfr_ui_div(v, 1, v, MPFR_RNDN);
      return r;
    } else {
      if (detail::below_zero(z)) {
        const T e = exp(z);
        return e / (T(1) + e);
      }
      return T(1) / (T(1) + exp(-z));
    }
  }
  template <class T> static T df(const T &z) {
    using std::abs;
    return from_negative_side(f(T(-abs(z))));
  }
  /// The kept output is used where it is σ(-|z|) (z ≤ 0); for z > 0, 1 - σ(z) would cancel.
  template <class T> static T df_from_output(const T &z, const T &s) {
    if (!detail::above_zero(z)) return from_negative_side(s);
    return df(z);
  }

private:
  /// s (1 - s) for s = σ(-|z|) ≤ 1/2.
  template <class T> static T from_negative_side(const T &s) {
    if constexpr (std::is_same_v<T, high>) {
      high r; // s (1 - s), rounded as the formula below
      mpfr_ui_sub(r.backend().data(), 1, s.backend().data(), MPFR_RNDN);
      mpfr_mul(r.backend().data(), s.backend().data(), r.backend().data(), MPFR_RNDN);
      return r;
    } else {
      return s * (T(1) - s);
    }
  }
};

/// tanh, with tanh′(z) = 1 - tanh² z computed as sech² z = 4e^-2|z|/(1+e^-2|z|)²: 1 - tanh² z
/// cancels to 0 where tanh rounds to ±1 (|z| ≥ 60 at 50 digits, ≥ 19 in double), sech² keeps
/// its relative accuracy there. No df_from_output: tanh z does not give sech² z without the
/// cancellation.
struct tanh_fn {
  static constexpr bool rational = false;
  template <class T> static T f(const T &z) {
    using std::tanh;
    return tanh(z);
  }
  template <class T> static T df(const T &z) {
    using std::abs;
    using std::exp;
    const T u = exp(T(-(T(2) * abs(z))));
    const T d = T(1) + u;
    return T(4) * u / (d * d);
  }
};

struct softplus {
  static constexpr bool rational = false;
  // log(1 + e^z) = z + log(1 + e^-z): the second form for z > 0, so e^z never overflows
  // (double overflows above z ≈ 709). Both pieces have derivative σ(z), so the branch is smooth
  // for the oracle too.
  template <class T> static T f(const T &z) {
    using std::exp;
    using std::log1p;
    if (z > T(0)) return z + log1p(exp(-z));
    return log1p(exp(z));
  }
  template <class T> static T df(const T &z) { return sigmoid::f(z); }
};

/// Exact (erf-based) GELU. On the interval rung erf and erfc are certified enclosures
/// (erf_enclosure, erfc_enclosure), so GELU's fallacies are certified too.
struct gelu {
  static constexpr bool rational = false;
  template <class T> static T erf_of(const T &v) {
    using std::erf;
    if constexpr (std::is_same_v<T, interval>) return erf_enclosure(v);
    else return erf(v);
  }
  template <class T> static T erfc_of(const T &v) {
    using std::erfc;
    if constexpr (std::is_same_v<T, interval>) return erfc_enclosure(v);
    else return erfc(v);
  }
  // Φ(z) = (1 + erf(z/√2))/2 cancels to 0 for z below about -15 at 50 digits; erfc(-z/√2)/2
  // keeps every digit there. Both pieces have derivative φ(z).
  template <class T> static T phi_cdf(const T &z) {
    using std::sqrt;
    if (z < T(0)) return erfc_of(T(-z / sqrt(T(2)))) / T(2);
    return (T(1) + erf_of(T(z / sqrt(T(2))))) / T(2);
  }
  template <class T> static T f(const T &z) { return z * phi_cdf(z); }
  template <class T> static T df(const T &z) {
    using std::exp;
    using std::sqrt;
    const T density = exp(-z * z / T(2)) / sqrt(T(2) * pi_value<T>());
    return phi_cdf(z) + z * density;
  }
};

struct silu {
  static constexpr bool rational = false;
  template <class T> static T f(const T &z) { return z * sigmoid::f(z); }
  template <class T> static T df(const T &z) {
    const T s = sigmoid::f(z);
    return s * (T(1) + z * (T(1) - s));
  }
};

} // namespace gradlaws::builtin
