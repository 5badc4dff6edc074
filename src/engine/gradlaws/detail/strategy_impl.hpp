#pragma once
// The definition of schedule_gradient (declared in gradlaws/strategy.hpp), included by the
// rung sources that instantiate it once per scalar.

#include "gradlaws/strategy.hpp"

#include <algorithm>

namespace gradlaws {

template <class T>
vec<T> schedule_gradient(const schedule &s, const model &m, const vec<T> &theta, const mat<T> &x,
                         const mat<T> &y, const batch_gradient_fn<T> &g) {
  check_inputs(m, theta, x, y);
  vec<T> sum = vec<T>::Constant(theta.size(), T(0));
  for (const pass &p : s) {
    // A pass whose coefficients are all 0 back-propagates a zero error: it adds nothing.
    if (std::all_of(p.coefficients.begin(), p.coefficients.end(), [](const exact &c) { return c == 0; }))
      continue;
    const auto cols = Eigen::Index(p.items.size());
    mat<T> px(x.rows(), cols), py(y.rows(), cols);
    for (Eigen::Index k = 0; k < cols; ++k) {
      px.col(k) = x.col(Eigen::Index(p.items[std::size_t(k)]));
      py.col(k) = y.col(Eigen::Index(p.items[std::size_t(k)]));
    }
    // Each pass is one batch gradient of Σ c_i L_i over the items it sees.
    const reduction r = reduction::given(p.coefficients);
    sum += g ? g(m, theta, px, py, r) : gradient(m, theta, px, py, r);
  }
  return sum;
}

} // namespace gradlaws
