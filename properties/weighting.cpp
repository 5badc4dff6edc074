// Laws 6 and 7: weighted means and linear combinations of losses differentiate term by term.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool weighted_mean = register_backprop_law(
    {.name = "weighted_mean",
     .kind = entry_kind::law,
     .family = "weighting",
     .claim = "the gradient of a weighted mean loss is the same weighted mean of per-example "
              "gradients",
     .formula = "∇(Σ_i w_i L_i / Σ_i w_i) = Σ_i w_i ∇L_i / Σ_i w_i",
     .lhs = "batched backprop of the weighted mean",
     .rhs = "weighted mean of per-example backprops",
     .explanation = "constant weights pass through the derivative"},
    weighted, []<class T>(const gradient_subject &subject, const weighted_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      exact total(0);
      for (const auto &w : p.weights) total += w;
      vec<T> mean = vec<T>::Constant(l.theta.size(), T(0));
      for (std::size_t i = 0; i < p.batch_size(); ++i)
        mean += from_exact<T>(p.weights[i] / total) *
                example_gradient<T>(p.m, l.theta, l.x, l.y, Eigen::Index(i), on<T>(subject));
      return {subject.on<T>()(p.m, l.theta, l.x, l.y, reduction::weighted(p.weights)), mean};
    });

const bool loss_linearity = register_backprop_law(
    {.name = "loss_linearity",
     .kind = entry_kind::law,
     .family = "weighting",
     .claim = "the gradient of a linear combination of two objectives is the same combination "
              "of their gradients",
     .formula = "∇(α J_A + β J_B) = α ∇J_A + β ∇J_B",
     .lhs = "batched backprop of α J_A + β J_B",
     .rhs = "α × backprop of J_A + β × backprop of J_B",
     .explanation = "differentiation is linear in the objective",
     .domain = {.keeps_model = false, .hands_batches_of = 0}},
    two_losses,
    []<class T>(const gradient_subject &subject, const two_loss_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      const model both = p.m.with_loss(combine(p.alpha, p.m.objective_loss(), p.beta, *p.second));
      const model second = p.m.with_loss(*p.second);
      const auto g = on<T>(subject);
      return {gradient<T>(both, l.theta, l.x, l.y, g),
              vec<T>(from_exact<T>(p.alpha) * gradient<T>(p.m, l.theta, l.x, l.y, g) +
                     from_exact<T>(p.beta) * gradient<T>(second, l.theta, l.x, l.y, g))};
    });

} // namespace
} // namespace gradlaws::props
