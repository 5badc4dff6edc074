#pragma once
// Gradient accumulation in mixed precision: the format a training step accumulates micro-batch
// gradients in. A 16-bit gradient (bfloat16 or float16, as a half-precision backward pass
// produces it) is accumulated in float, as mixed-precision training keeps its gradient
// buffers, and only the result is rounded back; every other rung accumulates in its own
// scalar.
//
//   T                                 accumulator_t<T>
//   Eigen::bfloat16, Eigen::half      float
//   rounded<bfloat16>, rounded<half>  rounded<float> (the bound carried over exactly)
//   anything else                     T

#include "gradlaws/clipping.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <string>
#include <type_traits>
#include <vector>

namespace gradlaws {

namespace detail {
template <class T> struct accumulator {
  using type = T;
};
template <> struct accumulator<Eigen::bfloat16> {
  using type = float;
};
template <> struct accumulator<Eigen::half> {
  using type = float;
};
template <> struct accumulator<rounded<Eigen::bfloat16>> {
  using type = rounded<float>;
};
template <> struct accumulator<rounded<Eigen::half>> {
  using type = rounded<float>;
};
} // namespace detail

/// The scalar micro-batch gradients on rung T are accumulated in.
template <class T> using accumulator_t = typename detail::accumulator<T>::type;

/// x converted from one scalar of a rung to another: exact for a 16-bit value widened to float;
/// a narrowing rounds to nearest, and a running-error value is charged for it.
template <class To, class From> To convert_scalar(const From &x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (is_rounded_v<To>) {
    using F = typename To::value_type;
    const F v = F(float(x.v));
    const double lost = std::abs(double(v) - double(x.v));
    return To(v, To::bounded(x.e + lost));
  } else {
    return To(float(x));
  }
}

/// v with each entry converted by convert_scalar.
template <class To, class From> vec<To> convert_vector(const vec<From> &v) {
  vec<To> out(v.size());
  for (Eigen::Index j = 0; j < v.size(); ++j) out[j] = convert_scalar<To>(v[j]);
  return out;
}

namespace detail {
/// Throws dimension_error unless there is at least one piece and all have one length.
void check_pieces(const char *what, std::size_t pieces, const std::vector<long> &sizes);
} // namespace detail

/// The mean of K micro-batch gradients accumulated in A: each piece added to a running sum in
/// A, the sum divided by K, the result rounded to T.
template <class A, class T> vec<T> accumulate_mean_in(const std::vector<vec<T>> &pieces) {
  std::vector<long> sizes;
  for (const vec<T> &p : pieces) sizes.push_back(long(p.size()));
  detail::check_pieces("accumulate_mean", pieces.size(), sizes);
  vec<A> sum = vec<A>::Constant(pieces.front().size(), A(0));
  for (const vec<T> &p : pieces)
    for (Eigen::Index j = 0; j < sum.size(); ++j) sum[j] += convert_scalar<A>(p[j]);
  const A k = A(int(pieces.size()));
  for (Eigen::Index j = 0; j < sum.size(); ++j) sum[j] /= k;
  return convert_vector<T>(sum);
}

/// The mean of K micro-batch gradients as mixed-precision training accumulates them: in
/// accumulator_t<T> (float for the 16-bit formats).
template <class T> vec<T> accumulate_mean(const std::vector<vec<T>> &pieces) {
  return accumulate_mean_in<accumulator_t<T>>(pieces);
}

} // namespace gradlaws
