// Law 4: gradient accumulation over micro-batches, weighted by their sizes, is the full-batch
// gradient for every split.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool accumulation = register_property<partitioned_problem>(
    {.name = "accumulation",
     .kind = entry_kind::law,
     .family = "accumulation",
     .claim = "accumulating micro-batch mean gradients weighted by their sizes n_k/N gives the "
              "full-batch gradient, for any split into micro-batches",
     .formula = "Σ_k (n_k/N) ∇J_k = ∇J",
     .lhs = "Σ_k (n_k/N) × backprop of micro-batch mean J_k",
     .rhs = "batched backprop of J",
     .explanation = "each example keeps weight (n_k/N)(1/n_k) = 1/N"},
    activation_variants(), [](const std::string &v) { return partitioned(options_for(v)); },
    []<class T>(const partitioned_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      const T n(int(p.batch_size()));
      vec<T> acc = vec<T>::Constant(l.theta.size(), T(0));
      std::size_t begin = 0;
      for (std::size_t size : p.sizes) {
        acc += (T(int(size)) / n) *
               gradient<T>(p.m, l.theta, slice(l.x, begin, size), slice(l.y, begin, size));
        begin += size;
      }
      return {acc, gradient<T>(p.m, l.theta, l.x, l.y)};
    });

} // namespace
} // namespace gradlaws::props
