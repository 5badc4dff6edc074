#pragma once
// The formulas of the normalisation layers (declared in gradlaws/norm_layers.hpp), included by
// the rung sources that instantiate them once per scalar.

#include "gradlaws/adjoint.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/norm_layers.hpp"

#include <cmath>

namespace gradlaws::detail {

template <class T> [[noreturn]] void needs_square_root(std::string_view what) {
  throw unsupported_rung_error(std::string(what) + " needs a square root, so it cannot run on the " +
                               std::string(to_string(scalar_traits<T>::kind)) +
                               " rung; use the high rung, or batch centring (rational) on the "
                               "exact rung");
}

// The statistics of one set of values a layer normalises together: x̂_k = (v_k - μ)/s with
// s = √(σ² + ε). BatchNorm and LayerNorm differ only in which values form a set.
template <class T> struct normalised {
  vec<T> hat;
  T scale;
};

template <class T>
normalised<T> normalise(const vec<T> &v, const exact &epsilon, const std::string &what) {
  using std::sqrt;
  const Eigen::Index n = v.size();
  T mean(0);
  for (Eigen::Index k = 0; k < n; ++k) mean += v[k];
  mean /= T(int(n));
  T var(0);
  for (Eigen::Index k = 0; k < n; ++k) var += (v[k] - mean) * (v[k] - mean);
  var /= T(int(n));
  const T den = var + from_exact<T>(epsilon);
  // `>` on intervals means certainly greater, on reverse-mode values it compares values: either way
  // a denominator that may be 0 is refused rather than divided by.
  if (!(den > T(0)))
    throw zero_variance_error(what + ": the " + std::to_string(n) +
                              (n == 1 ? " value has" : " values have") +
                              " zero variance and ε = 0, so (x - μ)/√(σ² + ε) is 0/0 (a batch of "
                              "one, or equal inputs); give ε > 0 or values that differ");
  normalised<T> out{vec<T>(n), sqrt(den)};
  for (Eigen::Index k = 0; k < n; ++k) out.hat[k] = (v[k] - mean) / out.scale;
  return out;
}

// ∂/∂v of Σ_k g_k x̂_k, where g = ∂/∂x̂: (g - mean(g) - x̂ · mean(g ⊙ x̂)) / s. The two means
// are the paths through μ and σ², which every value of the set shares.
template <class T> vec<T> normalise_backward(const normalised<T> &s, const vec<T> &g) {
  const Eigen::Index n = g.size();
  const T count = T(int(n));
  T mean_g(0), mean_gx(0);
  for (Eigen::Index k = 0; k < n; ++k) {
    mean_g += g[k];
    mean_gx += g[k] * s.hat[k];
  }
  mean_g /= count;
  mean_gx /= count;
  vec<T> out(n);
  for (Eigen::Index k = 0; k < n; ++k) out[k] = (g[k] - mean_g - s.hat[k] * mean_gx) / s.scale;
  return out;
}

} // namespace gradlaws::detail

namespace gradlaws {

template <class T> mat<T> batch_norm::forward_impl(const mat<T> &x, const T *p) const {
  if constexpr (is_exact_v<T>) {
    detail::needs_square_root<T>(describe());
  } else {
    mat<T> y(x.rows(), x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const auto s = detail::normalise<T>(vec<T>(x.row(i).transpose()), epsilon(),
                                  describe() + ", feature " + std::to_string(i) + " over the batch");
      for (Eigen::Index j = 0; j < x.cols(); ++j) y(i, j) = p[i] * s.hat[j] + p[Eigen::Index(width_) + i];
    }
    return y;
  }
}

template <class T>
mat<T> batch_norm::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  if constexpr (is_exact_v<T>) {
    detail::needs_square_root<T>(describe());
  } else {
    mat<T> dx(x.rows(), x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const auto s = detail::normalise<T>(vec<T>(x.row(i).transpose()), epsilon(),
                                  describe() + ", feature " + std::to_string(i) + " over the batch");
      vec<T> dhat(x.cols());
      for (Eigen::Index j = 0; j < x.cols(); ++j) {
        g[i] += up(i, j) * s.hat[j];
        g[Eigen::Index(width_) + i] += up(i, j);
        dhat[j] = p[i] * up(i, j);
      }
      dx.row(i) = detail::normalise_backward(s, dhat).transpose();
    }
    return dx;
  }
}

template <class T> mat<T> layer_norm::forward_impl(const mat<T> &x, const T *p) const {
  if constexpr (is_exact_v<T>) {
    detail::needs_square_root<T>(describe());
  } else {
    mat<T> y(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const auto s = detail::normalise<T>(vec<T>(x.col(j)), epsilon(),
                                  describe() + ", example " + std::to_string(j + 1));
      for (Eigen::Index i = 0; i < x.rows(); ++i) y(i, j) = p[i] * s.hat[i] + p[Eigen::Index(width_) + i];
    }
    return y;
  }
}

template <class T>
mat<T> layer_norm::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  if constexpr (is_exact_v<T>) {
    detail::needs_square_root<T>(describe());
  } else {
    mat<T> dx(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const auto s = detail::normalise<T>(vec<T>(x.col(j)), epsilon(),
                                  describe() + ", example " + std::to_string(j + 1));
      vec<T> dhat(x.rows());
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        g[i] += up(i, j) * s.hat[i];
        g[Eigen::Index(width_) + i] += up(i, j);
        dhat[i] = p[i] * up(i, j);
      }
      dx.col(j) = detail::normalise_backward(s, dhat);
    }
    return dx;
  }
}

template <class T> mat<T> batch_centring::forward_impl(const mat<T> &x, const T *p) const {
  mat<T> y(x.rows(), x.cols());
  const T n = T(int(x.cols()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    T mean(0);
    for (Eigen::Index j = 0; j < x.cols(); ++j) mean += x(i, j);
    mean /= n;
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      y(i, j) = p[i] * (x(i, j) - mean) + p[Eigen::Index(width_) + i];
  }
  return y;
}

template <class T>
mat<T> batch_centring::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  mat<T> dx(x.rows(), x.cols());
  const T n = T(int(x.cols()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    T mean(0), mean_up(0);
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      mean += x(i, j);
      mean_up += up(i, j);
    }
    mean /= n;
    mean_up /= n;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      g[i] += up(i, j) * (x(i, j) - mean);
      g[Eigen::Index(width_) + i] += up(i, j);
      // Every example's input moves the shared mean: each output pays back its share.
      dx(i, j) = p[i] * (up(i, j) - mean_up);
    }
  }
  return dx;
}

} // namespace gradlaws
