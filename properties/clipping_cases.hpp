#pragma once
// Cases of the training step's clipping laws: gradients, a threshold, and what a law moves
// (micro-batches, a permutation, a rotation, a loss scale).

#include <gradlaws/clipping.hpp>
#include <gradlaws/property.hpp>
#include <gradlaws/subject.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gradlaws::props {

/// A rotation by an angle with rational cosine and sine (a Pythagorean triple) in the plane of
/// coordinates j < k: it keeps every norm, exactly.
struct plane_rotation {
  std::size_t j = 0, k = 1;
  exact c, s;
  template <class T> vec<T> apply(const vec<T> &g) const {
    vec<T> out = g;
    const T ct = from_exact<T>(c), st = from_exact<T>(s);
    out[Eigen::Index(j)] = ct * g[Eigen::Index(j)] - st * g[Eigen::Index(k)];
    out[Eigen::Index(k)] = st * g[Eigen::Index(j)] + ct * g[Eigen::Index(k)];
    return out;
  }
};

/// Gradients g_1..g_N of one length (per-example, or per-example within micro-batches), a
/// clipping threshold C > 0, and what the law at hand moves.
struct clipping_case {
  exact threshold{1};
  std::vector<vec<exact>> g;
  std::vector<std::size_t> sizes; ///< micro-batches of consecutive examples (accumulation)
  std::vector<std::size_t> order; ///< a permutation of the examples (invariance)
  exact scale{1};                 ///< the loss scale S (mixed precision)
  exact epsilon{0};               ///< the ε the subject adds to the norm (capabilities)
  std::optional<plane_rotation> rotation;
  rung on = rung::high;

  std::string describe() const;
  double operations() const { return 12.0 * double(g.size()) * double(dimension() + 1) + 40; }
  std::size_t dimension() const { return g.empty() ? 0 : std::size_t(g.front().size()); }
  /// The norms of the gradients (and of the micro-batch gradients), and which are clipped.
  std::vector<std::pair<std::string, std::string>> details() const;
  /// The clipping geometry in the plane of the first two coordinates.
  std::vector<figure> figures() const;
};

/// 1/N for each of N vectors (a mean as weights).
std::vector<exact> uniform_weights(std::size_t n);

/// g clipped by the subject at the case's threshold, on rung T.
template <class T> vec<T> clip_with(const clipping_subject &s, const clipping_case &c, const vec<T> &g) {
  return s.template on<T>()(from_exact<T>(c.threshold), g);
}

/// The micro-batch gradients on rung T: each micro-batch's mean of its examples' gradients.
template <class T> std::vector<vec<T>> micro_batch_means(const clipping_case &c) {
  std::vector<vec<T>> out;
  std::size_t begin = 0;
  for (std::size_t n : c.sizes) {
    std::vector<vec<T>> members;
    for (std::size_t i = begin; i < begin + n; ++i) members.push_back(lift<T>(c.g[i]));
    out.push_back(weighted_sum(members, uniform_weights(n)));
    begin += n;
  }
  return out;
}

/// N ≤ 4 gradients of 1 to 3 components and a threshold from 1/4 to 8, shrinking to C = 1.
rc::Gen<clipping_case> clipping_batches(const variant &v);
/// The same with every gradient inside the threshold, by the subject's ε too.
rc::Gen<clipping_case> clipping_batches_within(const variant &v);
/// Gradients in consecutive micro-batches.
rc::Gen<clipping_case> clipping_micro_batches(const variant &v);
/// The same with every micro-batch's gradient inside the threshold.
rc::Gen<clipping_case> clipping_micro_batches_within(const variant &v);
/// Gradients and a permutation of them.
rc::Gen<clipping_case> clipping_permuted(const variant &v);
/// One gradient of 2 or 3 components and a rotation in a coordinate plane.
rc::Gen<clipping_case> clipping_rotated(const variant &v);
/// One gradient beyond the threshold (C is 1/2, 1/4 or 3/4 of its largest component), with
/// the subject's ε.
rc::Gen<clipping_case> clipping_beyond(const variant &v);
/// One gradient and a loss scale S, a power of two from 2 (shrinking to 2).
rc::Gen<clipping_case> clipping_scaled(const variant &v);
/// The same with the scaled gradient S·g inside the threshold.
rc::Gen<clipping_case> clipping_scaled_within(const variant &v);

} // namespace gradlaws::props
