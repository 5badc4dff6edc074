#pragma once
// The oracle: ∇J by forward-mode differentiation of the scalar objective J(θ), one dual-number
// forward pass per parameter. It shares the model's forward formulas with backprop but none of
// backprop's code: no backward pass, no hand-written derivatives of activations or losses.
// T: exact (differentiates exactly) or high (to working precision).

#include "gradlaws/backprop.hpp"
#include "gradlaws/dual.hpp"

namespace gradlaws {

/// ∂J/∂θ_k for every k, J = Σ c_i L_i under reduction r.
template <class T>
vec<T> oracle_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                       const reduction &r = reduction::mean());

/// The derivative of activation a at z by forward mode (the oracle's view of σ′).
template <class T> T oracle_derivative(const activation &a, const T &z);

// ---------------------------------------------------------------------------------------------

template <class T>
vec<T> oracle_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                       const reduction &r) {
  static_assert(std::is_same_v<T, exact> || std::is_same_v<T, high>,
                "the oracle runs on the exact and high rungs (dual<exact>, dual<high>)");
  check_inputs(m, theta, x, y);
  using D = dual<T>;
  const mat<D> xd = x.unaryExpr([](const T &v) { return D(v); });
  const mat<D> yd = y.unaryExpr([](const T &v) { return D(v); });
  vec<D> td = theta.unaryExpr([](const T &v) { return D(v); });
  vec<T> g(theta.size());
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    td[k].d = T(1);
    g[k] = objective<D>(m, td, xd, yd, r).d;
    td[k].d = T(0);
  }
  return g;
}

template <class T> T oracle_derivative(const activation &a, const T &z) {
  return a.f(dual<T>(z, T(1))).d;
}

extern template vec<exact> oracle_gradient<exact>(const model &, const vec<exact> &,
                                                 const mat<exact> &, const mat<exact> &,
                                                 const reduction &);
extern template vec<high> oracle_gradient<high>(const model &, const vec<high> &,
                                               const mat<high> &, const mat<high> &,
                                               const reduction &);

} // namespace gradlaws
