#pragma once
// Reverse-mode values: the oracle's arithmetic. A forward pass on adjoint<T> computes the same
// values as on T and records every elementary operation that depends on a variable (its
// operands and its local partial derivatives) on the thread's adjoint_recording; one sweep
// backwards over the record then gives ∂J/∂θ_k for every k at once. The derivation uses only
// the forward formulas and the calculus of the elementary operations (d e^u = e^u du, …):
// none of backprop's code, no hand-written derivative of an activation, loss or layer.
// Over rationals it differentiates exactly; over MPFR to working precision. Comparisons look at
// the value only, so a branch taken at a kink is the branch the value takes.

#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <boost/math/constants/constants.hpp>

#include <cstdint>
#include <vector>

namespace gradlaws {

template <class T> class adjoint_recording;

/// A value and, when it depends on a variable, the index of its node on the recording.
/// T: exact or high.
template <class T> struct adjoint {
  using value_type = T;
  T v{0};
  std::int32_t node = -1; ///< -1: a constant (depends on no variable)

  adjoint() = default;
  adjoint(int c) : v(c) {}    // NOLINT(google-explicit-constructor): literals in formulas
  adjoint(double c) : v(c) {} // NOLINT: only dyadic literals (0.5) appear in formulas
  explicit adjoint(const T &value) : v(value) {}
  adjoint(T value, std::int32_t n) : v(std::move(value)), node(n) {}

  adjoint &operator+=(const adjoint &o);
  adjoint &operator-=(const adjoint &o);
  adjoint &operator*=(const adjoint &o);
  adjoint &operator/=(const adjoint &o);
};

/// The record of one reverse-mode evaluation on this thread. While it lives, operations on
/// adjoint<T> that involve a variable append to it; variables are made with variable().
/// Recordings nest (the innermost records); each is used by one thread.
template <class T> class adjoint_recording {
public:
  adjoint_recording() : outer_(current_) { current_ = this; }
  ~adjoint_recording() { current_ = outer_; }
  adjoint_recording(const adjoint_recording &) = delete;
  adjoint_recording &operator=(const adjoint_recording &) = delete;

  /// A new independent variable with value v.
  adjoint<T> variable(const T &v) { return adjoint<T>(v, push(-1, 0, -1, 0)); }

  /// ∂y/∂x_k for the first `count` variables (the ones made first, in order), by one sweep
  /// over the record in reverse. A constant y gives zeros.
  vec<T> gradient(const adjoint<T> &y, Eigen::Index count) const;

  /// The recording operations on this thread append to; throws gradlaws::error if none.
  static adjoint_recording &current();

  /// Appends a node with operands a, b (-1: none) and partials; a partial is an index into
  /// the partials (>= 0), unit_plus or unit_minus.
  std::int32_t push(std::int32_t a, std::int32_t pa, std::int32_t b, std::int32_t pb);
  std::int32_t partial(T value) {
    partials_.push_back(std::move(value));
    return std::int32_t(partials_.size() - 1);
  }
  static constexpr std::int32_t unit_plus = -1, unit_minus = -2;

private:
  struct node {
    std::int32_t a, pa, b, pb;
  };
  std::vector<node> nodes_;
  std::vector<T> partials_;
  adjoint_recording *outer_;
  static thread_local adjoint_recording *current_;
};

template <class T> thread_local adjoint_recording<T> *adjoint_recording<T>::current_ = nullptr;

template <class T> struct scalar_traits<adjoint<T>> {
  static constexpr bool is_exact = scalar_traits<T>::is_exact;
  static constexpr rung kind = scalar_traits<T>::kind;
  static constexpr bool is_ad = true; // a differentiating scalar: forward passes only
  static std::string name() { return "reverse-mode values over " + scalar_traits<T>::name(); }
};

// ---------------------------------------------------------------------------------------------
// Definitions

template <class T> adjoint_recording<T> &adjoint_recording<T>::current() {
  if (!current_)
    throw error("an operation on reverse-mode values that depend on a variable ran without an "
                "adjoint_recording on this thread");
  return *current_;
}

template <class T>
std::int32_t adjoint_recording<T>::push(std::int32_t a, std::int32_t pa, std::int32_t b,
                                        std::int32_t pb) {
  if (nodes_.size() >= std::size_t(INT32_MAX))
    throw error("the reverse-mode record is full (2^31 operations)");
  nodes_.push_back({a, pa, b, pb});
  return std::int32_t(nodes_.size() - 1);
}

template <class T>
vec<T> adjoint_recording<T>::gradient(const adjoint<T> &y, Eigen::Index count) const {
  vec<T> g = vec<T>::Constant(count, T(0));
  if (y.node < 0) return g;
  std::vector<T> bar(std::size_t(y.node) + 1, T(0));
  bar[std::size_t(y.node)] = T(1);
  T term;
  auto send = [&](std::int32_t to, std::int32_t p, const T &from) {
    if (to < 0) return;
    T &dst = bar[std::size_t(to)];
    if (p == unit_plus) dst += from;
    else if (p == unit_minus) dst -= from;
    else {
      term = partials_[std::size_t(p)];
      term *= from;
      dst += term;
    }
  };
  for (std::size_t i = bar.size(); i-- > 0;) {
    const T &from = bar[i];
    if (from == 0) continue;
    const node &n = nodes_[i];
    send(n.a, n.pa, from);
    send(n.b, n.pb, from);
  }
  for (Eigen::Index k = 0; k < count && std::size_t(k) < bar.size(); ++k)
    g[k] = bar[std::size_t(k)];
  return g;
}

namespace detail {
template <class T> adjoint_recording<T> &recording() { return adjoint_recording<T>::current(); }
/// A node for f(a) with local derivative da (a depends on a variable).
template <class T> adjoint<T> unary(T value, const adjoint<T> &a, T da) {
  if (a.node < 0) return adjoint<T>(std::move(value));
  auto &r = recording<T>();
  return adjoint<T>(std::move(value), r.push(a.node, r.partial(std::move(da)), -1, 0));
}
} // namespace detail

template <class T> adjoint<T> &adjoint<T>::operator+=(const adjoint &o) {
  v += o.v;
  if (node >= 0 || o.node >= 0) {
    using R = adjoint_recording<T>;
    node = detail::recording<T>().push(node, R::unit_plus, o.node, R::unit_plus);
  }
  return *this;
}
template <class T> adjoint<T> &adjoint<T>::operator-=(const adjoint &o) {
  v -= o.v;
  if (node >= 0 || o.node >= 0) {
    using R = adjoint_recording<T>;
    node = detail::recording<T>().push(node, R::unit_plus, o.node, R::unit_minus);
  }
  return *this;
}
template <class T> adjoint<T> &adjoint<T>::operator*=(const adjoint &o) {
  if (node >= 0 || o.node >= 0) {
    auto &r = detail::recording<T>();
    // d(uv) = v du + u dv; a constant operand's side is not recorded.
    const std::int32_t pa = node >= 0 ? r.partial(o.v) : 0;
    const std::int32_t pb = o.node >= 0 ? r.partial(v) : 0;
    node = r.push(node, pa, o.node, pb);
  }
  v *= o.v;
  return *this;
}
template <class T> adjoint<T> &adjoint<T>::operator/=(const adjoint &o) {
  if (node >= 0 || o.node >= 0) {
    auto &r = detail::recording<T>();
    // d(u/w) = du/w - (u/w²) dw
    const T q = v / o.v;
    const std::int32_t pa = node >= 0 ? r.partial(T(1) / o.v) : 0;
    const std::int32_t pb = o.node >= 0 ? r.partial(T(-q / o.v)) : 0;
    node = r.push(node, pa, o.node, pb);
    v = q;
  } else {
    v /= o.v;
  }
  return *this;
}

template <class T> adjoint<T> operator+(adjoint<T> a, const adjoint<T> &b) { return a += b; }
template <class T> adjoint<T> operator-(adjoint<T> a, const adjoint<T> &b) { return a -= b; }
template <class T> adjoint<T> operator*(adjoint<T> a, const adjoint<T> &b) { return a *= b; }
template <class T> adjoint<T> operator/(adjoint<T> a, const adjoint<T> &b) { return a /= b; }
template <class T> adjoint<T> operator-(const adjoint<T> &a) {
  if (a.node < 0) return adjoint<T>(T(-a.v));
  using R = adjoint_recording<T>;
  return adjoint<T>(T(-a.v), detail::recording<T>().push(a.node, R::unit_minus, -1, 0));
}
template <class T> adjoint<T> operator+(const adjoint<T> &a) { return a; }

template <class T> bool operator<(const adjoint<T> &a, const adjoint<T> &b) { return a.v < b.v; }
template <class T> bool operator>(const adjoint<T> &a, const adjoint<T> &b) { return a.v > b.v; }
template <class T> bool operator<=(const adjoint<T> &a, const adjoint<T> &b) { return a.v <= b.v; }
template <class T> bool operator>=(const adjoint<T> &a, const adjoint<T> &b) { return a.v >= b.v; }
template <class T> bool operator==(const adjoint<T> &a, const adjoint<T> &b) { return a.v == b.v; }
template <class T> bool operator!=(const adjoint<T> &a, const adjoint<T> &b) { return a.v != b.v; }

// Elementary functions: the local derivative, once per function. Only the rungs whose T
// provides the function instantiate them (no exp on rationals).
template <class T> adjoint<T> exp(const adjoint<T> &a) {
  using std::exp;
  T e = exp(a.v);
  return detail::unary(e, a, e);
}
template <class T> adjoint<T> log(const adjoint<T> &a) {
  using std::log;
  return detail::unary(T(log(a.v)), a, T(T(1) / a.v));
}
template <class T> adjoint<T> log1p(const adjoint<T> &a) {
  using std::log1p;
  return detail::unary(T(log1p(a.v)), a, T(T(1) / (T(1) + a.v)));
}
template <class T> adjoint<T> sqrt(const adjoint<T> &a) {
  using std::sqrt;
  T s = sqrt(a.v);
  return detail::unary(s, a, T(T(1) / (T(2) * s)));
}
template <class T> adjoint<T> tanh(const adjoint<T> &a) {
  using std::abs;
  using std::exp;
  using std::tanh;
  // tanh′ = 1 − tanh² as sech² x = 4e^(−2|x|)/(1 + e^(−2|x|))²: 1 − tanh² cancels to 0 where
  // tanh rounds to ±1, sech² keeps its relative accuracy there.
  const T u = exp(T(-2 * abs(a.v))), d = T(1) + u;
  return detail::unary(T(tanh(a.v)), a, T(4 * u / (d * d)));
}
template <class T> adjoint<T> erf(const adjoint<T> &a) {
  using std::erf;
  using std::exp;
  using std::sqrt;
  // d/dx erf(x) = 2/√π · e^(-x²); π from the value type at its precision.
  const T two_over_sqrt_pi = T(2) / sqrt(boost::math::constants::pi<T>());
  return detail::unary(T(erf(a.v)), a, T(two_over_sqrt_pi * exp(T(-a.v * a.v))));
}
template <class T> adjoint<T> erfc(const adjoint<T> &a) {
  using std::erfc;
  using std::exp;
  using std::sqrt;
  const T two_over_sqrt_pi = T(2) / sqrt(boost::math::constants::pi<T>());
  return detail::unary(T(erfc(a.v)), a, T(-two_over_sqrt_pi * exp(T(-a.v * a.v))));
}
/// |a| with derivative sign(a) and 0 at 0 (the convention of the abs activation).
template <class T> adjoint<T> abs(const adjoint<T> &a) {
  if (a.v > 0) return a;
  if (a.v < 0) return -a;
  return adjoint<T>(T(0));
}

} // namespace gradlaws

namespace Eigen {
template <class T> struct NumTraits<gradlaws::adjoint<T>> : gradlaws::detail::real_num_traits<gradlaws::adjoint<T>, 2, 4, 8> {};
} // namespace Eigen
