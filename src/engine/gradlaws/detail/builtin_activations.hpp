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

struct sigmoid {
  static constexpr bool rational = false;
  template <class T> static T f(const T &z) {
    using std::exp;
    if constexpr (std::is_same_v<T, high>) {
      // The same roundings as the formula below, in one variable (no temporary per operation).
      high r;
      mpfr_ptr v = r.backend().data();
      mpfr_neg(v, z.backend().data(), MPFR_RNDN);
      mpfr_exp(v, v, MPFR_RNDN);
      mpfr_add_ui(v, v, 1, MPFR_RNDN);
      mpfr_ui_div(v, 1, v, MPFR_RNDN);
      return r;
    } else {
      return T(1) / (T(1) + exp(-z));
    }
  }
  template <class T> static T df(const T &z) { return df_from_output(z, f(z)); }
  template <class T> static T df_from_output(const T &, const T &s) {
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

struct tanh_fn {
  static constexpr bool rational = false;
  template <class T> static T f(const T &z) {
    using std::tanh;
    return tanh(z);
  }
  template <class T> static T df(const T &z) { return df_from_output(z, f(z)); }
  template <class T> static T df_from_output(const T &, const T &t) { return T(1) - t * t; }
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
