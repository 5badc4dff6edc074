#include "optimizer_cases.hpp"
#include "cases.hpp"

namespace gradlaws::props {

std::string optimizer_case::describe() const {
  std::string s = "rule   " + rule.describe() + "\nθ      " + to_string(state.theta);
  const char *slot_names[] = {"m", "v"};
  for (std::size_t k = 0; k < state.slots.size(); ++k)
    s += std::string("\n") + (rule.of == update_rule::family::sgd ? "buffer" : slot_names[k]) +
         (rule.of == update_rule::family::sgd ? " " : "      ") + to_string(state.slots[k]);
  s += "\nsteps  " + std::to_string(state.steps) + " taken before";
  s += std::string("\n") + (sizes.empty() ? "g_t    " : "g_k    ");
  for (std::size_t i = 0; i < g.size(); ++i) s += (i ? ", " : "") + to_string(g[i]);
  if (!sizes.empty()) s += "\nsplit  micro-batch sizes " + tuple_string(sizes);
  if (scale != 1) s += "\nα      " + to_string(scale) + " (every gradient times α)";
  return s;
}

namespace {

exact pick(const std::vector<exact> &values) { return *simplest_first(values); }

/// A rule of family f, each hyperparameter shrinking to the first of its values.
update_rule drawn_rule(update_rule::family f, const std::vector<exact> &eps) {
  update_rule r;
  r.of = f;
  r.lr = pick({exact(1, 10), exact(1), exact(1, 2), exact(1, 4)});
  r.weight_decay = pick({exact(0), exact(1, 100), exact(1, 4)});
  r.decoupled = *rc::gen::arbitrary<bool>();
  if (f == update_rule::family::sgd) {
    r.momentum = pick({exact(0), exact(1, 2), exact(9, 10), exact(3, 4)});
    r.dampening = r.momentum == 0 ? exact(0) : pick({exact(0), exact(1, 4)});
    r.nesterov = r.momentum != 0 && r.dampening == 0 && *rc::gen::arbitrary<bool>();
  } else {
    r.beta1 = pick({exact(9, 10), exact(1, 2), exact(0)});
    r.beta2 = pick({exact(999, 1000), exact(1, 2), exact(99, 100)});
    r.eps = pick(eps);
  }
  r.validate();
  return r;
}

constexpr std::size_t most_parameters = 3, most_gradients = 4;

/// 3 small dyadics.
vec<exact> drawn_vector() { return (*gen::columns(most_parameters, 1)).col(0); }

/// Which of n things are kept: a flag each, shrinking towards dropping it, at least one kept.
/// Drawn after the values, so that the values shrink first and any of them can go after.
std::vector<std::size_t> kept_of(std::size_t n) {
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < n; ++i)
    if (*rc::gen::arbitrary<bool>()) kept.push_back(i);
  if (kept.empty()) kept.push_back(0);
  return kept;
}

vec<exact> components(const vec<exact> &v, const std::vector<std::size_t> &kept) {
  vec<exact> out(Eigen::Index(kept.size()));
  for (std::size_t j = 0; j < kept.size(); ++j) out[Eigen::Index(j)] = v[Eigen::Index(kept[j])];
  return out;
}

} // namespace

rc::Gen<optimizer_case> optimizer_micro_batches(const variant &v, update_rule::family f,
                                                std::vector<exact> eps) {
  const rung on = v.rung_or(f == update_rule::family::sgd ? rung::exact : rung::high);
  return rc::gen::exec([on, f, eps] {
    optimizer_case c;
    c.on = on;
    c.rule = drawn_rule(f, eps);
    // The values first: θ, the steps taken before and the slots, the gradients and their sizes.
    const vec<exact> theta = drawn_vector();
    const long steps = long(*gen::count(0, 3));
    std::vector<vec<exact>> slots;
    for (std::size_t k = 0; k < c.rule.slots(); ++k) slots.push_back(drawn_vector());
    std::vector<vec<exact>> g;
    std::vector<std::size_t> sizes;
    for (std::size_t k = 0; k < most_gradients; ++k) g.push_back(drawn_vector());
    for (std::size_t k = 0; k < most_gradients; ++k) sizes.push_back(*gen::count(1, 3));
    // Then which micro-batches and parameters are kept.
    const auto batches = kept_of(most_gradients), parameters = kept_of(most_parameters);
    c.state = initial_state<exact>(c.rule, components(theta, parameters));
    c.state.steps = steps;
    if (steps > 0)
      for (std::size_t k = 0; k < slots.size(); ++k) {
        c.state.slots[k] = components(slots[k], parameters);
        if (k == 1) c.state.slots[k] = c.state.slots[k].cwiseAbs(); // Adam's v: a mean of squares
      }
    for (std::size_t k : batches) {
      c.g.push_back(components(g[k], parameters));
      c.sizes.push_back(sizes[k]);
    }
    return c;
  });
}

rc::Gen<optimizer_case> adam_scaled_steps(const variant &v, std::vector<exact> eps, bool coupled_decay) {
  const rung on = v.rung_or(rung::high);
  return rc::gen::exec([on, eps, coupled_decay] {
    optimizer_case c;
    c.on = on;
    c.rule = drawn_rule(update_rule::family::adam, eps);
    if (!coupled_decay && !c.rule.decoupled) c.rule.weight_decay = 0;
    const vec<exact> theta = drawn_vector();
    std::vector<vec<exact>> g;
    for (std::size_t k = 0; k < 3; ++k) g.push_back(drawn_vector());
    c.scale = pick({exact(2), exact(1, 2), exact(4), exact(1, 8), exact(3)});
    const auto steps = kept_of(3), parameters = kept_of(most_parameters);
    c.state = initial_state<exact>(c.rule, components(theta, parameters));
    for (std::size_t k : steps) c.g.push_back(components(g[k], parameters));
    // From the zero state a zero component of the first gradient is 0/0 without ε.
    for (exact &x : c.g.front())
      if (x == 0) x = 1;
    return c;
  });
}

} // namespace gradlaws::props
