#pragma once
// The oracle: ∇J by reverse-mode differentiation of the scalar objective J(θ) — one forward
// pass on adjoint<T> values (gradlaws/adjoint.hpp) that records every elementary operation, and
// one sweep back over the record, for all parameters at once. It shares the model's forward
// formulas with backprop but none of backprop's code: no backward pass, no hand-written
// derivatives of activations, losses or layers; only the calculus of +, −, ×, ÷, exp, log,
// log1p, sqrt, tanh, erf and erfc. T: exact (differentiates exactly) or high (to working
// precision).

#include "gradlaws/adjoint.hpp"
#include "gradlaws/backprop.hpp"

namespace gradlaws {

/// ∂J/∂θ_k for every k, J = Σ c_i L_i under reduction r.
template <class T>
vec<T> oracle_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                       const reduction &r = reduction::mean());

/// The derivative of activation a at z by the oracle's reverse mode (its view of σ′).
template <class T> T oracle_derivative(const activation &a, const T &z);

// ---------------------------------------------------------------------------------------------

template <class T>
vec<T> oracle_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                       const reduction &r) {
  static_assert(std::is_same_v<T, exact> || std::is_same_v<T, high>,
                "the oracle runs on the exact and high rungs (adjoint<exact>, adjoint<high>)");
  check_inputs(m, theta, x, y);
  using A = adjoint<T>;
  adjoint_recording<T> record;
  vec<A> ta(theta.size());
  for (Eigen::Index k = 0; k < theta.size(); ++k) ta[k] = record.variable(theta[k]);
  const mat<A> xa = x.unaryExpr([](const T &v) { return A(v); });
  const mat<A> ya = y.unaryExpr([](const T &v) { return A(v); });
  return record.gradient(objective<A>(m, ta, xa, ya, r), theta.size());
}

template <class T> T oracle_derivative(const activation &a, const T &z) {
  adjoint_recording<T> record;
  return record.gradient(a.f(record.variable(z)), 1)[0];
}

extern template vec<exact> oracle_gradient<exact>(const model &, const vec<exact> &,
                                                 const mat<exact> &, const mat<exact> &,
                                                 const reduction &);
extern template vec<high> oracle_gradient<high>(const model &, const vec<high> &,
                                               const mat<high> &, const mat<high> &,
                                               const reduction &);

} // namespace gradlaws
