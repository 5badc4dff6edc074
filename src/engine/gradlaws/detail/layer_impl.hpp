#pragma once
// The formulas of the built-in dense and activation layers (declared in gradlaws/layer.hpp),
// included by the rung sources that instantiate them once per scalar.

#include "gradlaws/layer.hpp"

namespace gradlaws {

template <class T> mat<T> dense::forward_impl(const mat<T> &x, const T *p) const {
  using rowmat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const rowmat> w(p, Eigen::Index(out_), Eigen::Index(in_));
  const Eigen::Map<const vec<T>> b(p + out_ * in_, Eigen::Index(out_));
  mat<T> y = w * x;
  y.colwise() += b;
  return y;
}

template <class T>
mat<T> dense::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  using rowmat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const rowmat> w(p, Eigen::Index(out_), Eigen::Index(in_));
  Eigen::Map<rowmat> gw(g, Eigen::Index(out_), Eigen::Index(in_));
  Eigen::Map<vec<T>> gb(g + out_ * in_, Eigen::Index(out_));
  gw += up * x.transpose(); // Σ over the batch, as a batched framework does
  gb += up.rowwise().sum();
  return w.transpose() * up;
}

template <class T> mat<T> activation_layer::forward_impl(const mat<T> &x, const T *) const {
  mat<T> y(x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) y(i, j) = act_->f(x(i, j));
  return y;
}

template <class T>
mat<T> activation_layer::backward_impl(const mat<T> &x, const T *, const mat<T> &up, T *) const {
  mat<T> dx(x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) dx(i, j) = up(i, j) * act_->df(x(i, j));
  return dx;
}

} // namespace gradlaws
