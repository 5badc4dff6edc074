#pragma once
// A whole training step after the backward passes, in the order mixed-precision training takes
// it (PyTorch's GradScaler and clip_grad_norm_ conventions):
//
//   g = Σ_k (n_k/N) g_k        accumulate the micro-batch gradients (in float for 16-bit ones)
//   g = g / S                  unscale: the g_k are gradients of the loss scaled by S
//   g not finite ⇒ skip        a dynamic scaler skips the step on overflow: θ and the optimizer
//                              state stay as they were (the scaler then lowers S)
//   g = clip_C(g)              clip the true gradient's global norm
//   state = step(rule, g)      one optimizer step
//
// Written once over the scalar: gradlaws's reference for users' training steps on every rung.

#include "gradlaws/accumulation.hpp"
#include "gradlaws/clipping.hpp"
#include "gradlaws/optimizer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gradlaws {

/// What a training step is asked to do with the micro-batch gradients it is handed.
struct step_config {
  update_rule rule;
  std::optional<exact> clip; ///< a threshold C on the unscaled gradient's ℓ2 norm; unset: none
  exact loss_scale{1};       ///< S > 0: the micro-batch gradients are gradients of S·J_k
  std::vector<exact> shares; ///< n_k/N of each micro-batch, summing to 1

  /// "SGD (η = 1/2), clip at C = 1, loss scale S = 4, shares (1/3, 2/3)".
  std::string describe() const;
  /// Throws gradlaws::error naming what is out of range: the rule, C ≤ 0, S ≤ 0, no shares,
  /// shares that are negative or do not sum to 1.
  void validate() const;
};

namespace detail {
/// Throws dimension_error unless there is one gradient per share, each of θ's size.
void check_step_pieces(std::size_t shares, const std::vector<long> &sizes, long parameters);
} // namespace detail

/// The step's gradient: the micro-batch gradients accumulated by share (in accumulator_t<T>)
/// and unscaled; unset when a component is not finite (the scaled loss overflowed).
template <class T>
std::optional<vec<T>> unscaled_gradient(const step_config &c, const std::vector<vec<T>> &pieces) {
  using A = accumulator_t<T>;
  vec<A> g = vec<A>::Constant(pieces.front().size(), A(0));
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const A share = from_exact<A>(c.shares[k]);
    for (Eigen::Index j = 0; j < g.size(); ++j) g[j] += share * convert_scalar<A>(pieces[k][j]);
  }
  const A scale = from_exact<A>(c.loss_scale);
  for (Eigen::Index j = 0; j < g.size(); ++j) {
    g[j] /= scale;
    if (!is_finite_value(g[j])) return std::nullopt;
  }
  return convert_vector<T>(g);
}

/// One training step from state s on the micro-batch gradients (see the top of this header).
template <class T>
optimizer_state<T> training_step(const step_config &c, const optimizer_state<T> &s,
                                 const std::vector<vec<T>> &pieces) {
  c.validate();
  std::vector<long> sizes;
  for (const vec<T> &p : pieces) sizes.push_back(long(p.size()));
  detail::check_step_pieces(c.shares.size(), sizes, long(s.theta.size()));
  std::optional<vec<T>> g = unscaled_gradient(c, pieces);
  if (!g) return s; // overflow: the step is skipped
  if (c.clip) *g = clip_by_norm(from_exact<T>(*c.clip), *g);
  return step(c.rule, *g, s);
}

} // namespace gradlaws
