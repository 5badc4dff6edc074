// The training step, once per micro-batch: K optimizer steps, one on each micro-batch's
// gradient, are not one step on the gradient of their union. Each step moves θ, and the next
// micro-batch's gradient is taken at the moved θ; only when the gradient does not depend on θ
// (a linear model under the linear loss) do the K steps add up to the one step. A training loop
// that calls optimizer.step() inside its accumulation loop takes the K steps.

#include "cases.hpp"

#include <gradlaws/optimizer.hpp>

#include <algorithm>

namespace gradlaws::props {
namespace {

/// A problem split into consecutive micro-batches, and SGD's learning rate.
struct sequential_case : problem {
  std::vector<std::size_t> sizes;
  exact lr{1};

  std::string describe() const {
    return problem::describe() + "\nsplit  micro-batch sizes " + tuple_string(sizes) +
           "\nη      " + to_string(lr) + " (SGD's learning rate)";
  }
};

/// θ after one SGD step with learning rate η on each micro-batch in turn: step k uses micro-batch
/// k's mean gradient at the θ the steps before it left, weighted by its share n_k/N (so that K
/// steps on a gradient that does not move would make the one step on the union).
template <class T> vec<T> steps_per_micro_batch(const gradient_subject &s, const sequential_case &c) {
  const auto l = lift<T>(static_cast<const problem &>(c));
  const update_rule sgd = update_rule::sgd(c.lr);
  optimizer_state<T> state = initial_state(sgd, l.theta);
  const std::vector<exact> shares = shares_of(c.sizes);
  std::size_t begin = 0;
  for (std::size_t k = 0; k < c.sizes.size(); ++k) {
    const vec<T> g = s.on<T>()(c.m, state.theta, slice(l.x, begin, c.sizes[k]),
                               slice(l.y, begin, c.sizes[k]), reduction::mean());
    state = step(sgd, vec<T>(g * from_exact<T>(shares[k])), state);
    begin += c.sizes[k];
  }
  return state.theta;
}

/// θ after one SGD step on the whole batch's mean gradient.
template <class T> vec<T> one_step_on_union(const gradient_subject &s, const sequential_case &c) {
  const auto l = lift<T>(static_cast<const problem &>(c));
  const update_rule sgd = update_rule::sgd(c.lr);
  const vec<T> g = s.on<T>()(c.m, l.theta, l.x, l.y, reduction::mean());
  return step(sgd, g, initial_state(sgd, l.theta)).theta;
}

/// A problem of the variant, its batch cut into consecutive micro-batches (an example joins the
/// one before it with odds 1 in 3, shrinking towards a cut everywhere, so that dropping an
/// example keeps the others apart), and η from 1/2, 1, 1/4 (shrinking to 1/2).
rc::Gen<sequential_case> sequential_cases(const variant &v) {
  return rc::gen::exec([v] {
    sequential_case c{*model_variant_problems(v)};
    c.lr = *simplest_first(std::vector<exact>{exact(1, 2), exact(1), exact(1, 4)});
    c.sizes.assign(1, 1);
    for (std::size_t i = 1; i < c.batch_size(); ++i) {
      if (*rc::gen::inRange(0, 3) == 2) ++c.sizes.back();
      else c.sizes.push_back(1);
    }
    return c;
  });
}

std::string sequential_shape(const sequential_case &c, const verdict &) {
  const bool alone = std::all_of(c.sizes.begin(), c.sizes.end(), [](std::size_t n) { return n == 1; });
  if (c.batch_size() < 2 || c.batch_size() > 3 || !alone)
    return "expected two or three examples, each in a micro-batch of its own, got sizes " +
           tuple_string(c.sizes);
  if (c.m.parameter_count() != 2) return "expected the seed's linear regression (m, b)";
  return "";
}

gradient_subject sequential_backprop(const variant &) { return backprop_subject(); }

const bool sequential_registered = register_fallacy(
    make_fallacy<gradient_subject, sequential_case>(
        {.name = "step_per_micro_batch",
         .kind = entry_kind::fallacy,
         .family = "the training step",
         .claim = "K SGD steps, one on each micro-batch's gradient (weighted by its share), "
                  "reach the θ of one step on the gradient of their union",
         .formula = "θ_k = θ_{k−1} − η (n_k/N) ∇J_k(θ_{k−1}) ⇒ θ_K = θ_0 − η ∇J(θ_0)",
         .lhs = "θ after a step per micro-batch",
         .rhs = "θ after one step on the union",
         .expected_shape = "the seed's linear regression at θ = 0, two or three examples in "
                           "micro-batches of one (η = 1/2, batch {(0, 1), (0, 0)}: b = 1/4 "
                           "against 1/2)",
         .explanation = "each step moves θ, and the next micro-batch's gradient is taken at the "
                        "moved θ: the K steps add up to the one step only when the gradient does "
                        "not depend on θ; an optimizer.step() inside the accumulation loop takes "
                        "the K steps",
         .domain = {.families = {"linear_regression"}, .rungs = {}, .formats = {}, .for_users = false}},
        sequential_cases,
        []<class T>(const gradient_subject &s, const sequential_case &c) -> sides<T> {
          return {steps_per_micro_batch<T>(s, c), one_step_on_union<T>(s, c)};
        },
        sequential_shape),
    {.name = "step_per_micro_batch_constant_gradient",
     .claim = "when the gradient does not depend on θ (a linear model under the linear loss), K "
              "steps on the micro-batches' gradients are the one step on their union",
     .formula = "∇J_k independent of θ ⇒ θ_0 − η Σ_k (n_k/N) ∇J_k = θ_0 − η ∇J",
     .explanation = "a gradient that does not move with θ is the same at every step, and the "
                    "shares n_k/N of the micro-batch means add up to the batch mean",
     .cases = sequential_cases,
     .domain = {.families = {"linear_model_linear_loss"}, .rungs = {}, .formats = {}, .for_users = false}},
    sequential_backprop);

} // namespace
} // namespace gradlaws::props
