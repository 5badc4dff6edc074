#pragma once
// Optimizer steps, the operation of a training step that applies the gradient, written once
// over the scalar. The conventions are PyTorch's (torch.optim.SGD, Adam and AdamW):
//
//   SGD    g ← g + λθ (coupled decay)        b ← g on the first step, μb + (1 − τ)g after
//          g ← g + μb (Nesterov) or b         θ ← θ(1 − ηλ) (decoupled decay), then θ − ηg
//   Adam   g ← g + λθ (coupled decay)        m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
//          θ ← θ(1 − ηλ) (decoupled: AdamW)  θ ← θ − η m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
//
// SGD is affine in g: a step on a weighted mean of gradients (weights summing to 1) is the same
// weighted mean of the steps. Adam is not (√v̂ and the division), and without ε it does not see
// the gradient's scale at all: a wrong 1/N in the loss is invisible to it and plain to SGD.
// The hyperparameters are exact rationals, so that every rung steps with the same values; Adam's
// square root is exact on the exact rung only for a rational square (exact_sqrt).

#include "gradlaws/clipping.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <string>
#include <vector>

namespace gradlaws {

/// An update rule and its hyperparameters.
struct update_rule {
  enum class family { sgd, adam };
  family of = family::sgd;
  exact lr{exact(1, 10)};
  exact momentum{0};     ///< SGD's μ
  exact dampening{0};    ///< SGD's τ
  bool nesterov = false; ///< SGD
  exact beta1{exact(9, 10)}, beta2{exact(999, 1000)};
  exact eps{0};          ///< Adam's ε (PyTorch's default 1e-8 is not a short rational: give one)
  exact weight_decay{0}; ///< λ
  bool decoupled = false; ///< decay θ itself (AdamW) rather than through g

  static update_rule sgd(exact lr, exact momentum = exact(0), exact weight_decay = exact(0),
                         bool decoupled = false);
  static update_rule adam(exact lr, exact beta1, exact beta2, exact eps,
                          exact weight_decay = exact(0), bool decoupled = false);

  /// Per-parameter slots of state: SGD's momentum buffer (when μ ≠ 0), Adam's m and v.
  std::size_t slots() const;
  /// True for SGD: its step is affine in the gradient.
  bool affine_in_gradient() const { return of == family::sgd; }
  /// "SGD(η = 1/10, μ = 9/10, λ = 1/100 coupled)"; "Adam(η = 1/10, β = (9/10, 999/1000), ε = 0)".
  std::string describe() const;
  /// Throws gradlaws::error naming the hyperparameter out of its range (η ≥ 0, 0 ≤ μ, τ, β < 1,
  /// ε ≥ 0, λ ≥ 0; Nesterov needs μ > 0 and τ = 0, as PyTorch requires).
  void validate() const;
};

/// An optimizer's state: the parameters, the rule's slots (each a vector like θ) and the number
/// of steps taken.
template <class T> struct optimizer_state {
  vec<T> theta;
  std::vector<vec<T>> slots;
  long steps = 0;
  /// Entries in all: θ and every slot.
  Eigen::Index size() const { return theta.size() * Eigen::Index(1 + slots.size()); }
};

/// The zero state of a rule at θ: its slots zero, no step taken.
template <class T> optimizer_state<T> initial_state(const update_rule &r, const vec<T> &theta) {
  return {theta, std::vector<vec<T>>(r.slots(), vec<T>::Constant(theta.size(), T(0))), 0};
}

namespace detail {
/// Throws dimension_error unless g and every slot have θ's size and the rule's slot count.
void check_step_sizes(const update_rule &r, long gradient, long parameters,
                      const std::vector<long> &slots);
template <class T> T exact_power(const exact &base, long n) {
  exact p(1);
  for (long k = 0; k < n; ++k) p *= base;
  return from_exact<T>(p);
}
} // namespace detail

/// One step of rule r with gradient g from state s.
template <class T>
optimizer_state<T> step(const update_rule &r, const vec<T> &g, const optimizer_state<T> &s) {
  std::vector<long> slot_sizes;
  for (const vec<T> &v : s.slots) slot_sizes.push_back(long(v.size()));
  detail::check_step_sizes(r, long(g.size()), long(s.theta.size()), slot_sizes);
  const T lr = from_exact<T>(r.lr), decay = from_exact<T>(r.weight_decay);
  optimizer_state<T> out = s;
  out.steps = s.steps + 1;
  vec<T> d = g; // the gradient the rule uses
  if (r.weight_decay != 0 && !r.decoupled)
    for (Eigen::Index j = 0; j < d.size(); ++j) d[j] += decay * s.theta[j];
  if (r.weight_decay != 0 && r.decoupled) {
    const T keep = T(1) - lr * decay;
    for (Eigen::Index j = 0; j < d.size(); ++j) out.theta[j] = s.theta[j] * keep;
  }
  if (r.of == update_rule::family::sgd) {
    if (r.momentum != 0) {
      const T mu = from_exact<T>(r.momentum), kept = from_exact<T>(exact(1) - r.dampening);
      vec<T> &b = out.slots[0];
      for (Eigen::Index j = 0; j < d.size(); ++j) b[j] = s.steps == 0 ? d[j] : mu * s.slots[0][j] + kept * d[j];
      for (Eigen::Index j = 0; j < d.size(); ++j) d[j] = r.nesterov ? d[j] + mu * b[j] : b[j];
    }
    for (Eigen::Index j = 0; j < d.size(); ++j) out.theta[j] -= lr * d[j];
    return out;
  }
  const T b1 = from_exact<T>(r.beta1), b2 = from_exact<T>(r.beta2);
  const T c1 = from_exact<T>(exact(1) - r.beta1), c2 = from_exact<T>(exact(1) - r.beta2);
  const T correction1 = T(1) - detail::exact_power<T>(r.beta1, out.steps);
  const T correction2 = T(1) - detail::exact_power<T>(r.beta2, out.steps);
  const T eps = from_exact<T>(r.eps);
  vec<T> &m = out.slots[0], &v = out.slots[1];
  for (Eigen::Index j = 0; j < d.size(); ++j) {
    m[j] = b1 * s.slots[0][j] + c1 * d[j];
    v[j] = b2 * s.slots[1][j] + c2 * d[j] * d[j];
    out.theta[j] -= lr * (m[j] / correction1) / (square_root(T(v[j] / correction2)) + eps);
  }
  return out;
}

} // namespace gradlaws
