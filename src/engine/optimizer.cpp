#include "gradlaws/optimizer.hpp"

namespace gradlaws {

update_rule update_rule::sgd(exact lr, exact momentum, exact weight_decay, bool decoupled) {
  update_rule r;
  r.of = family::sgd;
  r.lr = std::move(lr);
  r.momentum = std::move(momentum);
  r.weight_decay = std::move(weight_decay);
  r.decoupled = decoupled;
  r.validate();
  return r;
}

update_rule update_rule::adam(exact lr, exact beta1, exact beta2, exact eps, exact weight_decay,
                              bool decoupled) {
  update_rule r;
  r.of = family::adam;
  r.lr = std::move(lr);
  r.beta1 = std::move(beta1);
  r.beta2 = std::move(beta2);
  r.eps = std::move(eps);
  r.weight_decay = std::move(weight_decay);
  r.decoupled = decoupled;
  r.validate();
  return r;
}

std::size_t update_rule::slots() const {
  if (of == family::adam) return 2;
  return momentum != 0 ? 1 : 0;
}

std::string update_rule::describe() const {
  std::string s = of == family::sgd ? "SGD(η = " + to_string(lr) : (decoupled ? "AdamW(η = " : "Adam(η = ") + to_string(lr);
  if (of == family::sgd) {
    if (momentum != 0) s += ", μ = " + to_string(momentum);
    if (dampening != 0) s += ", τ = " + to_string(dampening);
    if (nesterov) s += ", Nesterov";
  } else {
    s += ", β = (" + to_string(beta1) + ", " + to_string(beta2) + "), ε = " + to_string(eps);
  }
  if (weight_decay != 0) s += ", λ = " + to_string(weight_decay) + (decoupled ? " decoupled" : " coupled");
  return s + ")";
}

void update_rule::validate() const {
  const auto refuse = [&](const std::string &what) {
    throw error("the update rule " + describe() + ": " + what);
  };
  if (lr < 0) refuse("the learning rate η is negative");
  if (weight_decay < 0) refuse("the weight decay λ is negative");
  if (of == family::sgd) {
    if (momentum < 0 || momentum >= 1) refuse("the momentum μ is outside [0, 1)");
    if (dampening < 0 || dampening >= 1) refuse("the dampening τ is outside [0, 1)");
    if (nesterov && (momentum == 0 || dampening != 0))
      refuse("Nesterov momentum needs μ > 0 and no dampening (as PyTorch requires)");
  } else {
    if (beta1 < 0 || beta1 >= 1) refuse("β₁ is outside [0, 1)");
    if (beta2 < 0 || beta2 >= 1) refuse("β₂ is outside [0, 1)");
    if (eps < 0) refuse("ε is negative");
  }
}

namespace detail {
void check_step_sizes(const update_rule &r, long gradient, long parameters,
                      const std::vector<long> &slots) {
  if (gradient != parameters)
    throw dimension_error("an optimizer step got a gradient of " + std::to_string(gradient) +
                          " entries for " + std::to_string(parameters) + " parameters");
  if (slots.size() != r.slots())
    throw dimension_error("the state of " + r.describe() + " has " + std::to_string(slots.size()) +
                          " slot(s); the rule keeps " + std::to_string(r.slots()));
  for (std::size_t k = 0; k < slots.size(); ++k)
    if (slots[k] != parameters)
      throw dimension_error("slot " + std::to_string(k + 1) + " of the optimizer state has " +
                            std::to_string(slots[k]) + " entries for " + std::to_string(parameters) +
                            " parameters");
}
} // namespace detail

} // namespace gradlaws
