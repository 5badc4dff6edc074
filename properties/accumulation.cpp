// Law 4: gradient accumulation over micro-batches, weighted by their sizes, is the full-batch
// gradient for every split. The accumulation is the strategy accumulate_weighted's schedule,
// its passes run on the batch-gradient subject.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool accumulation_law = register_backprop_law(
    {.name = "accumulation",
     .kind = entry_kind::law,
     .family = "accumulation",
     .claim = "accumulating micro-batch mean gradients weighted by their sizes n_k/N gives "
              "the full-batch gradient, for any split into micro-batches",
     .formula = "Σ_k (n_k/N) ∇J_k = ∇J",
     .lhs = "Σ_k (n_k/N) × backprop of micro-batch mean J_k",
     .rhs = "batched backprop of J",
     .explanation = "each example keeps weight (n_k/N)(1/n_k) = 1/N"},
    partitioned, []<class T>(const gradient_subject &g, const partitioned_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      const strategy &weighted = find_strategy("accumulate_weighted");
      return {weighted.gradient<T>(p.m, l.theta, l.x, l.y, layout::split(p.sizes), on<T>(g)),
              gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g))};
    });

} // namespace
} // namespace gradlaws::props
