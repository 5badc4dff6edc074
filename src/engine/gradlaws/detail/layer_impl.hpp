#pragma once
// The formulas of the built-in dense and activation layers (declared in gradlaws/layer.hpp),
// included by the rung sources that instantiate them once per scalar. The loops write into
// their results in place (detail/inplace.hpp) into matrices the engine keeps from pass to pass
// (detail/workspace.hpp): on the multiprecision rungs no temporary is allocated per product,
// and a kept result allocates nothing. Sums run in index order, as Eigen's coefficient-wise product does.

#include "gradlaws/detail/inplace.hpp"
#include "gradlaws/detail/workspace.hpp"
#include "gradlaws/layer.hpp"
#include "gradlaws/own_functions.hpp"

namespace gradlaws {

template <class T> void dense::forward_impl(const mat<T> &x, const T *p, mat<T> &y) const {
  const Eigen::Index out = Eigen::Index(out_), in = Eigen::Index(in_), n = x.cols();
  const T *b = p + out_ * in_; // W is out × in, row-major, then b
  detail::reshape(y, out, n);
  T scratch;
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index r = 0; r < out; ++r) {
      T &acc = y(r, j);
      const T *w = p + r * in;
      detail::set_product(acc, w[0], x(0, j));
      for (Eigen::Index c = 1; c < in; ++c) detail::add_product(acc, w[c], x(c, j), scratch);
      detail::add_to(acc, b[r]);
    }
}

template <class T>
void dense::backward_impl(const mat<T> &x, const mat<T> &, const T *p, const mat<T> &up, T *g,
                          mat<T> &dx) const {
  const Eigen::Index out = Eigen::Index(out_), in = Eigen::Index(in_), n = x.cols();
  detail::reshape(dx, in, n);
  if (n == 0) return; // no examples: nothing to add
  T sum, scratch;
  // ∂W += up · xᵀ and ∂b += Σ_j up(:, j): summed over the batch, as a batched framework does.
  for (Eigen::Index r = 0; r < out; ++r) {
    T *gw = g + r * in;
    for (Eigen::Index c = 0; c < in; ++c) {
      detail::set_product(sum, up(r, 0), x(c, 0));
      for (Eigen::Index j = 1; j < n; ++j) detail::add_product(sum, up(r, j), x(c, j), scratch);
      detail::add_to(gw[c], sum);
    }
    sum = up(r, 0);
    for (Eigen::Index j = 1; j < n; ++j) detail::add_to(sum, up(r, j));
    detail::add_to(g[out * in + r], sum);
  }
  // ∂x = Wᵀ · up
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index c = 0; c < in; ++c) {
      T &acc = dx(c, j);
      detail::set_product(acc, p[c], up(0, j));
      for (Eigen::Index r = 1; r < out; ++r) detail::add_product(acc, p[r * in + c], up(r, j), scratch);
    }
}

template <class T> void activation_layer::forward_impl(const mat<T> &x, const T *, mat<T> &y) const {
  detail::reshape(y, x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) y(i, j) = detail::apply_activation(*act_, x(i, j));
}

template <class T>
void activation_layer::backward_impl(const mat<T> &x, const mat<T> &y, const T *,
                                     const mat<T> &up, T *, mat<T> &dx) const {
  detail::reshape(dx, x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      detail::set_product(dx(i, j), up(i, j), detail::apply_derivative(*act_, x(i, j), y(i, j)));
}

} // namespace gradlaws
