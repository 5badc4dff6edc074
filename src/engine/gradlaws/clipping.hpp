#pragma once
// Gradient clipping, the first nonlinear operation of a training step after ∇J, written once
// over the scalar like every formula of the engine.
//
//   clip_by_norm(C, g) = g · min(1, C / ‖g‖₂)      (C > 0; the zero vector stays zero)
//
// It is the identity inside the ball of radius C and the radial projection onto its sphere
// outside: continuous, but not affine, so it does not commute with a mean (the mean of
// clipped per-example gradients is not the clipped mean gradient) unless every vector is
// inside the ball. The comparison is made on squares (‖g‖² > C²), so a vector inside the ball
// is returned as it is on every rung, the exact one included; outside it the norm is a square
// root, exact on the exact rung only for a rational square (exact_sqrt).

#include "gradlaws/error.hpp"
#include "gradlaws/rounded.hpp"
#include "gradlaws/scalar.hpp"

#include <algorithm>

#include <cmath>
#include <string>
#include <vector>

namespace gradlaws {

/// The square root of a non-negative rational that is the square of a rational; throws
/// unsupported_rung_error otherwise (the exact rung has no irrational numbers).
exact exact_sqrt(const exact &q);

/// Σ_j g_j².
template <class T> T squared_norm(const vec<T> &g) {
  T s(0);
  for (Eigen::Index j = 0; j < g.size(); ++j) s += g[j] * g[j];
  return s;
}

/// √x on rung T (exact_sqrt on the exact rung).
template <class T> T square_root(const T &x) {
  if constexpr (is_exact_v<T>) {
    return exact_sqrt(x);
  } else {
    using std::sqrt;
    return sqrt(x);
  }
}

/// ‖g‖₂ on rung T.
template <class T> T norm_of(const vec<T> &g) { return square_root(squared_norm(g)); }

namespace detail {
template <class T> vec<T> scaled_by(const vec<T> &g, const T &factor) {
  vec<T> out(g.size());
  for (Eigen::Index j = 0; j < g.size(); ++j) out[j] = g[j] * factor;
  return out;
}
} // namespace detail

/// g · min(1, C/‖g‖): g itself when ‖g‖ ≤ C, else g scaled onto the sphere of radius C.
///
/// The two branches meet on the sphere, so where a rung cannot tell which one the exact
/// computation takes, either is a valid answer up to their distance: an interval takes the
/// hull of both factors, and a running-error value the branch its values take, with a bound
/// that also covers the other branch (no doubtful branch is counted: the function is
/// continuous there).
template <class T> vec<T> clip_by_norm(const T &threshold, const vec<T> &g) {
  const T n2 = squared_norm(g), c2 = threshold * threshold;
  if constexpr (std::is_same_v<T, interval>) {
    if (upper(n2) <= lower(c2)) return g;
    T factor = threshold / norm_of(g);
    if (!(lower(n2) > upper(c2))) factor = hull(factor, T(1));
    return detail::scaled_by(g, factor);
  } else if constexpr (is_rounded_v<T>) {
    const bool outside = n2.v > c2.v;
    if (!outside && (n2.v + n2.e < c2.v - c2.e || n2.e + c2.e == 0)) return g;
    const vec<T> scaled = detail::scaled_by(g, threshold / norm_of(g));
    if (outside && n2.v - n2.e > c2.v + c2.e) return scaled;
    vec<T> out = outside ? scaled : g;
    const vec<T> &other = outside ? g : scaled;
    for (Eigen::Index j = 0; j < g.size(); ++j)
      out[j].e = T::bounded(std::max(out[j].e, std::abs(double(out[j].v) - double(other[j].v)) + other[j].e));
    return out;
  } else {
    if (!(n2 > c2)) return g;
    return detail::scaled_by(g, threshold / norm_of(g));
  }
}

/// Σ_k w_k v_k for vectors of one length (the weights as exact rationals, lifted to T).
template <class T>
vec<T> weighted_sum(const std::vector<vec<T>> &v, const std::vector<exact> &w) {
  if (v.empty() || v.size() != w.size())
    throw dimension_error("weighted_sum: " + std::to_string(v.size()) + " vectors and " +
                          std::to_string(w.size()) + " weights (give one weight per vector, "
                          "at least one)");
  vec<T> out = vec<T>::Constant(v.front().size(), T(0));
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (v[k].size() != out.size())
      throw dimension_error("weighted_sum: vector " + std::to_string(k + 1) + " has " +
                            std::to_string(v[k].size()) + " entries and vector 1 has " +
                            std::to_string(out.size()));
    const T wk = from_exact<T>(w[k]);
    for (Eigen::Index j = 0; j < out.size(); ++j) out[j] += wk * v[k][j];
  }
  return out;
}

} // namespace gradlaws
