#pragma once
// The built-in losses as structs of function templates.

#include "gradlaws/detail/builtin_activations.hpp"
#include "gradlaws/scalar.hpp"

namespace gradlaws::builtin {

/// Squared error Σ_j (y_j - ŷ_j)², the seed's (y - f(x))².
struct mse {
  static constexpr bool rational = true;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T s(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) s += (y[j] - yhat[j]) * (y[j] - yhat[j]);
    return s;
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j) g[j] = T(-2) * (y[j] - yhat[j]);
    return g;
  }
};

/// Squared error averaged over the outputs, (1/d) Σ_j (y_j - ŷ_j)²: Keras's convention.
struct mse_output_mean {
  static constexpr bool rational = true;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    return mse::value(yhat, y) / T(static_cast<int>(y.size()));
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    vec<T> g = mse::gradient(yhat, y);
    const T d(static_cast<int>(y.size()));
    for (Eigen::Index j = 0; j < g.size(); ++j) g[j] = g[j] / d;
    return g;
  }
};

/// The seed's linear loss Σ_j (y_j - ŷ_j): its gradient in ŷ is constant.
struct linear {
  static constexpr bool rational = true;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T s(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) s += y[j] - yhat[j];
    return s;
  }
  template <class T> static vec<T> gradient(const vec<T> &, const vec<T> &y) {
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j) g[j] = T(-1);
    return g;
  }
};

/// Absolute error Σ_j |y_j - ŷ_j|; ∂/∂ŷ_j = 0 where ŷ_j = y_j.
struct absolute {
  static constexpr bool rational = true;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T s(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) s += abs_value::f(T(y[j] - yhat[j]));
    return s;
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j) g[j] = abs_value::df(T(yhat[j] - y[j]));
    return g;
  }
};

/// Huber loss with δ = 1: r²/2 for |r| ≤ 1, |r| - 1/2 beyond, r = ŷ - y.
struct huber {
  static constexpr bool rational = true;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T s(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) {
      const T r = yhat[j] - y[j];
      const T a = abs_value::f(r);
      s += a <= T(1) ? r * r / T(2) : a - T(1) / T(2);
    }
    return s;
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j) g[j] = hard_tanh::f(T(yhat[j] - y[j]));
    return g;
  }
};

/// Binary cross-entropy on logits: Σ_j softplus(ŷ_j) - y_j ŷ_j; ∂/∂ŷ_j = σ(ŷ_j) - y_j.
struct bce_logits {
  static constexpr bool rational = false;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T s(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) s += softplus::f(yhat[j]) - y[j] * yhat[j];
    return s;
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j) g[j] = sigmoid::f(yhat[j]) - y[j];
    return g;
  }
};

/// Softmax cross-entropy: -Σ_j y_j log softmax(ŷ)_j = (Σ_j y_j)·lse(ŷ) - Σ_j y_j ŷ_j;
/// ∂/∂ŷ_j = (Σ_k y_k)·softmax(ŷ)_j - y_j. Targets are usually a distribution (one-hot).
struct softmax_ce {
  static constexpr bool rational = false;
  template <class T> static T max_of(const vec<T> &v) {
    T m = v[0];
    for (Eigen::Index j = 1; j < v.size(); ++j)
      if (v[j] > m) m = v[j];
    return m;
  }
  template <class T> static T log_sum_exp(const vec<T> &v) {
    using std::exp;
    using std::log;
    const T m = max_of(v); // shift for range; cancels exactly in the formula
    T s(0);
    for (Eigen::Index j = 0; j < v.size(); ++j) s += exp(v[j] - m);
    return m + log(s);
  }
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T mass(0), dot(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) {
      mass += y[j];
      dot += y[j] * yhat[j];
    }
    return mass * log_sum_exp(yhat) - dot;
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    using std::exp;
    const T lse = log_sum_exp(yhat);
    T mass(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) mass += y[j];
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j) g[j] = mass * exp(yhat[j] - lse) - y[j];
    return g;
  }
};

} // namespace gradlaws::builtin
