// The training step: the optimizer. SGD (with momentum, Nesterov, coupled or decoupled weight
// decay) is affine in the gradient, so stepping on the accumulated gradient is the mean of the
// steps on the micro-batch gradients; Adam divides by √v̂ and is not. Without ε Adam does not see
// the gradient's scale at all — a wrong 1/N in the loss is invisible to it, and plain to SGD.
// Written over an optimizer subject: gradlaws's step(), or a user's optimizer.

#include "cases.hpp"
#include "optimizer_cases.hpp"

#include <cmath>

namespace gradlaws::props {
namespace {

const std::string optimizer_family = "the training step";

optimizer_subject builtin_optimizer(const variant &) { return optimizer_step_subject(); }

template <class T>
optimizer_state<T> step_of(const optimizer_subject &s, const optimizer_case &c,
                           const optimizer_state<T> &state, const vec<T> &g) {
  return s.template on<T>()(c.rule, state, g);
}

// SGD's laws run in every format. Adam's run in double and float only: its β₂ = 0.999 rounds to
// 1 in bfloat16, so its bias correction 1 − β₂ᵗ divides by zero there; mixed-precision
// training keeps an optimizer's state and arithmetic in float for this reason.
law_domain optimizer_domain(std::vector<rung> rungs, update_rule::family f) {
  law_domain d{.axis = variant_axis::rung, .rungs = std::move(rungs), .formats = step_formats,
               .optimizer = f};
  if (f == update_rule::family::adam)
    d.formats = {machine_format::double_format, machine_format::float_format};
  return d;
}

const std::vector<exact> positive_eps{exact(1, 8), exact(1, 2), exact(1, 1024)};

// ---------------------------------------------------------------------------------------------
// A step on the accumulated gradient

property_info accumulated_info() {
  return {.name = "adam_step_of_accumulated_gradient",
          .kind = entry_kind::fallacy,
          .family = optimizer_family,
          .claim = "an Adam step on the accumulated gradient is the mean of the Adam steps on the "
                   "micro-batch gradients",
          .formula = "step(s, Σ_k (n_k/N) g_k) = Σ_k (n_k/N) step(s, g_k)",
          .lhs = "the mean of the steps on g_k (θ′, then the slots)",
          .rhs = "the step on the accumulated gradient (θ′, then the slots)",
          .expected_shape = "one parameter and two micro-batches (from the zero state Adam steps "
                            "by η·g/(|g| + ε): its mean over g = {1, 0} is not its value at 1/2)",
          .explanation = "Adam divides by √v̂, which is not affine in g; an accumulation loop that "
                         "steps on each micro-batch, or averages the updates of replicas, is not "
                         "the step on the batch's gradient",
          .domain = optimizer_domain({rung::high}, update_rule::family::adam)};
}

std::string accumulated_shape(const optimizer_case &c, const verdict &) {
  if (c.state.theta.size() != 1 || c.g.size() != 2)
    return "expected one parameter and two micro-batches, got " +
           std::to_string(c.state.theta.size()) + " and " + std::to_string(c.g.size());
  return "";
}

const bool accumulated_registered = register_fallacy(
    make_fallacy<optimizer_subject, optimizer_case>(
        accumulated_info(),
        [](const variant &v) { return optimizer_micro_batches(v, update_rule::family::adam, positive_eps); },
        []<class T>(const optimizer_subject &s, const optimizer_case &c) -> sides<T> {
          const optimizer_state<T> state = state_on<T>(c.state);
          const std::vector<vec<T>> g = lift_all<T>(c.g);
          std::vector<vec<T>> after;
          for (const vec<T> &gk : g) after.push_back(flattened(step_of(s, c, state, gk)));
          return {weighted_sum(after, shares_of(c.sizes)),
                  flattened(step_of(s, c, state, weighted_sum(g, shares_of(c.sizes))))};
        },
        accumulated_shape),
    {.name = "sgd_step_of_accumulated_gradient",
     .claim = "an SGD step (momentum, Nesterov, coupled or decoupled weight decay) on the "
              "accumulated gradient is the mean of the SGD steps on the micro-batch gradients",
     .formula = "step affine in g ⇒ step(s, Σ_k (n_k/N) g_k) = Σ_k (n_k/N) step(s, g_k)",
     .explanation = "every quantity of an SGD step, θ and the momentum buffer, is affine in g, and "
                    "the shares n_k/N sum to 1",
     .cases = [](const variant &v) { return optimizer_micro_batches(v, update_rule::family::sgd, {}); },
     .domain = optimizer_domain({rung::exact, rung::machine}, update_rule::family::sgd)},
    builtin_optimizer);

// ---------------------------------------------------------------------------------------------
// The gradient's scale

property_info scale_info() {
  return {.name = "adam_ignores_gradient_scale",
          .kind = entry_kind::fallacy,
          .family = optimizer_family,
          .claim = "Adam's steps do not depend on the gradient's scale",
          .formula = "θ after steps on α·g_t = θ after steps on g_t",
          .lhs = "θ after steps on g_t",
          .rhs = "θ after steps on α·g_t",
          .expected_shape = "one parameter and one step (η·g/(|g| + ε) changes with α when ε > 0)",
          .explanation = "ε is added to √v̂, which scales with α while ε does not; for gradients "
                         "much larger than ε the steps are nearly scale-free, so a wrong 1/N in "
                         "the loss is nearly invisible to Adam, and fully visible to SGD",
          .domain = optimizer_domain({rung::high}, update_rule::family::adam)};
}

std::string scale_shape(const optimizer_case &c, const verdict &) {
  if (c.state.theta.size() != 1 || c.g.size() != 1)
    return "expected one parameter and one step, got " + std::to_string(c.state.theta.size()) +
           " and " + std::to_string(c.g.size());
  return "";
}

/// θ's first component moved by the case's steps on α·g_t, in double: by the case's Adam, by the
/// same Adam without ε, and by SGD with the same η.
struct scaled_moves {
  std::vector<double> alpha, adam, adam_without_eps, sgd;
};
scaled_moves moves_under_scale(const optimizer_case &c) {
  scaled_moves m;
  update_rule no_eps = c.rule;
  no_eps.eps = 0;
  const update_rule sgd = update_rule::sgd(c.rule.lr);
  const auto moved = [&](const update_rule &r, double alpha) {
    optimizer_state<double> s = state_on<double>(c.state);
    if (r.slots() != s.slots.size()) s = initial_state(r, s.theta);
    for (const vec<double> &g : lift_all<double>(c.g)) s = step(r, vec<double>(g * alpha), s);
    return s.theta[0] - c.state.theta[0].convert_to<double>();
  };
  for (int k = -6; k <= 6; ++k) {
    const double alpha = std::ldexp(1.0, k);
    m.alpha.push_back(double(k));
    m.adam.push_back(moved(c.rule, alpha));
    m.adam_without_eps.push_back(moved(no_eps, alpha));
    m.sgd.push_back(moved(sgd, alpha));
  }
  return m;
}

/// log₂ |move(α) / move(1)| of each α, leaving out α where a move is 0.
figure::series relative_moves(std::string label, figure::mark style, const std::vector<double> &alpha,
                              const std::vector<double> &move) {
  figure::series s{.label = std::move(label), .style = style};
  const double at_one = move[alpha.size() / 2]; // α = 2^0 is the middle one
  for (std::size_t k = 0; k < alpha.size(); ++k)
    if (at_one != 0 && move[k] != 0) {
      s.x.push_back(alpha[k]);
      s.y.push_back(std::log2(std::abs(move[k] / at_one)));
    }
  return s;
}

/// Adam's move against SGD's as the gradient is scaled by α = 2^-6 … 2^6.
std::vector<figure> scale_figures(const optimizer_case &c, const verdict &) {
  const scaled_moves m = moves_under_scale(c);
  figure f{.name = "adam-sgd-scale",
           .title = "The step as the gradient is scaled: Adam against SGD",
           .caption = "How far the witness's steps on α·g move θ's first component, against how far "
                      "they move it at α = 1, for α from 2^-6 to 2^6: SGD's move is proportional to "
                      "α (slope 1); Adam's stays where |α·g| is far above ε and shrinks only as α·g "
                      "nears ε; without ε it does not change at all. A loss divided by the wrong N "
                      "is a wrong α.",
           .x_label = "log₂ α (the gradient's scale)",
           .y_label = "log₂ (move at α / move at 1)"};
  f.data = {relative_moves("SGD, same η", figure::mark::line, m.alpha, m.sgd),
            relative_moves("Adam, ε = " + to_string(c.rule.eps), figure::mark::line, m.alpha, m.adam),
            relative_moves("Adam, ε = 0", figure::mark::dashed, m.alpha, m.adam_without_eps)};
  return {f};
}

const bool scale_registered = register_fallacy(
    make_fallacy<optimizer_subject, optimizer_case>(
        scale_info(), [](const variant &v) { return adam_scaled_steps(v, positive_eps, true); },
        []<class T>(const optimizer_subject &s, const optimizer_case &c) -> sides<T> {
          optimizer_state<T> plain = state_on<T>(c.state), scaled = plain;
          const T alpha = from_exact<T>(c.scale);
          for (const vec<T> &g : lift_all<T>(c.g)) {
            plain = step_of(s, c, plain, g);
            vec<T> ag = g;
            for (Eigen::Index j = 0; j < ag.size(); ++j) ag[j] = g[j] * alpha;
            scaled = step_of(s, c, scaled, ag);
          }
          return {plain.theta, scaled.theta};
        },
        scale_shape)
        .with_figures(scale_figures),
    {.name = "adam_ignores_gradient_scale_without_eps",
     .claim = "without ε, Adam's steps from the zero state do not depend on the gradient's scale "
              "(weight decay decoupled, as AdamW's, or none)",
     .formula = "ε = 0 ⇒ θ after steps on α·g_t = θ after steps on g_t (α > 0)",
     .explanation = "m̂ scales with α and √v̂ with |α|, so m̂/√v̂ does not, and decoupled decay "
                    "never sees g; a loss divided by the wrong N changes nothing Adam does (a "
                    "coupled decay λθ, added to g, does not scale with it)",
     .cases = [](const variant &v) { return adam_scaled_steps(v, {exact(0)}, false); },
     .domain = optimizer_domain({rung::high, rung::machine}, update_rule::family::adam)},
    builtin_optimizer);

} // namespace
} // namespace gradlaws::props
