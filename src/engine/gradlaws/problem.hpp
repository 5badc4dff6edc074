#pragma once
// A problem: a model, its parameters θ and a batch, all held as exact rationals so the same
// case can be evaluated on any rung (lift<T>) and re-evaluated at a higher precision.

#include "gradlaws/backprop.hpp"

#include <ostream>
#include <string>

namespace gradlaws {

struct problem {
  model m;
  vec<exact> theta;
  mat<exact> x; ///< input × N
  mat<exact> y; ///< output × N
  rung on = rung::exact;

  std::size_t batch_size() const { return std::size_t(x.cols()); }

  /// The inputs as a named list a person can read and paste:
  ///   model  Dense(1→1); loss mse
  ///   θ      m = 0, b = 0
  ///   batch  (x, y) = ([0], [0]), ([1], [1])
  std::string describe() const;

  /// A rough count of the floating-point operations in one batch gradient; the tolerance on
  /// the high rung grows with it.
  double operations() const;

  /// The largest magnitude that enters the computation: θ, the batch, and every value of the
  /// forward pass (each layer's input and the output ŷ, from a double-precision pass), at
  /// least 1. Rounding errors scale with the values that were combined, not with the size of
  /// the result, so the high rung's floor scales with it: where terms of this size cancel to
  /// a small gradient, the floor still covers the cancellation.
  double magnitude() const;

  /// Throws the matching gradlaws::error if θ or the batch does not fit the model.
  void validate() const;
};

/// The same problem on rung T.
template <class T> struct lifted {
  vec<T> theta;
  mat<T> x, y;
};
template <class T> lifted<T> lift(const problem &p) {
  return {p.theta.unaryExpr([](const exact &q) { return from_exact<T>(q); }),
          lift<T>(p.x), lift<T>(p.y)};
}

/// Prints a column of exact values as "[a, b]".
std::string column_string(const mat<exact> &m, Eigen::Index col);

std::ostream &operator<<(std::ostream &os, const problem &p);

} // namespace gradlaws
