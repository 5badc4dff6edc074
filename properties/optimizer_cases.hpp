#pragma once
// Cases of the training step's optimizer laws: an update rule, a state, and the gradients a law
// steps with (micro-batch gradients, or the gradients of consecutive steps).

#include <gradlaws/optimizer.hpp>
#include <gradlaws/property.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gradlaws::props {

struct optimizer_case {
  update_rule rule;
  optimizer_state<exact> state;
  std::vector<vec<exact>> g;      ///< micro-batch gradients, or one gradient per step
  std::vector<std::size_t> sizes; ///< micro-batch sizes (empty: g are consecutive steps)
  exact scale{1};                 ///< α, the factor on every gradient (scale invariance)
  rung on = rung::high;

  std::string describe() const;
  double operations() const {
    return 30.0 * double(g.size() + 1) * double(state.theta.size() * (1 + state.slots.size())) + 40;
  }
};

/// The state on rung T.
template <class T> optimizer_state<T> state_on(const optimizer_state<exact> &s) {
  optimizer_state<T> out{lift<T>(s.theta), {}, s.steps};
  for (const vec<exact> &v : s.slots) out.slots.push_back(lift<T>(v));
  return out;
}
/// θ followed by every slot: a state as one vector a law can compare.
template <class T> vec<T> flattened(const optimizer_state<T> &s) {
  vec<T> out(s.size());
  out.head(s.theta.size()) = s.theta;
  for (std::size_t k = 0; k < s.slots.size(); ++k)
    out.segment(Eigen::Index(k + 1) * s.theta.size(), s.theta.size()) = s.slots[k];
  return out;
}

/// A rule of the family (hyperparameters shrinking to the simplest), a state after 0 to 3
/// steps, and 1 to 4 micro-batch gradients with their sizes. Adam rules get ε from `eps`.
rc::Gen<optimizer_case> optimizer_micro_batches(const variant &v, update_rule::family f,
                                                std::vector<exact> eps);
/// An Adam rule with ε from `eps` (and weight decay decoupled or none unless `coupled_decay`),
/// the zero state, 1 to 3 steps' gradients (the first with no zero component) and a factor α
/// on all of them.
rc::Gen<optimizer_case> adam_scaled_steps(const variant &v, std::vector<exact> eps, bool coupled_decay);

} // namespace gradlaws::props
