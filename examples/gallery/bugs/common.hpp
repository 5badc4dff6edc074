#pragma once
// What the gallery's training code needs from a framework: the batch's columns for some items,
// and one forward and backward pass of a reduced loss over them (gradlaws::gradient stands in
// for loss.backward()). The bugs and their twins are written with these, as users write them.

#include <gradlaws/gallery_case.hpp>

#include <vector>

namespace gallery {

using namespace gradlaws;

/// The items of group k of a layout that count (valid examples, or tokens with a label).
inline std::vector<Eigen::Index> valid_items(const layout &l, std::size_t k) {
  std::vector<Eigen::Index> out;
  for (std::size_t i = l.begin(k); i < l.begin(k) + l.groups[k]; ++i)
    if (l.counts(i)) out.push_back(Eigen::Index(i));
  return out;
}

/// The columns of m for the given items.
template <class T> mat<T> columns(const mat<T> &m, const std::vector<Eigen::Index> &items) {
  mat<T> out(m.rows(), Eigen::Index(items.size()));
  for (std::size_t j = 0; j < items.size(); ++j) out.col(Eigen::Index(j)) = m.col(items[j]);
  return out;
}

/// backward() of (Σ over the items of L_i) × scale: one pass over a micro-batch, a shard or a
/// set of tokens. No items: a zero gradient (a rank with no data sends zeros).
template <class T>
vec<T> backward_of_sum(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                       const std::vector<Eigen::Index> &items, const T &scale) {
  if (items.empty()) return vec<T>::Zero(theta.size());
  return vec<T>(gradient<T>(m, theta, columns(x, items), columns(y, items), reduction::sum()) * scale);
}

template <class T> T count(std::size_t n) { return T(int(n)); }

} // namespace gallery
