// Law 5: the batch gradient does not see the order of the batch, a duplication of the whole
// batch, or an extra example of weight zero. Written over a batch-gradient subject.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool permutation_law = register_backprop_law(
    {.name = "permutation_invariance",
     .kind = entry_kind::law,
     .family = "invariance",
     .claim = "permuting the examples of the batch does not change the batch gradient",
     .formula = "∇J(x_π(1..N)) = ∇J(x_1..N)",
     .lhs = "batched backprop of J on the permuted batch",
     .rhs = "batched backprop of J",
     .explanation = "a mean is symmetric in its terms",
     .domain = {.holds_under_coupling = true, .hands_batches_of = 0}},
    reshuffled, []<class T>(const gradient_subject &g, const reshuffled_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      return {gradient<T>(p.m, l.theta, permute(l.x, p.order), permute(l.y, p.order), on<T>(g)),
              gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g))};
    });

const bool duplication_law = register_backprop_law(
    {.name = "duplication_invariance",
     .kind = entry_kind::law,
     .family = "invariance",
     .claim = "duplicating the whole batch does not change the gradient of the mean loss",
     .formula = "∇J(B ∪ B) = ∇J(B)",
     .lhs = "batched backprop of J on the batch twice over",
     .rhs = "batched backprop of J",
     .explanation = "every example's weight stays 2/(2N) = 1/N",
     .domain = {.holds_under_coupling = true, .hands_batches_of = 0}},
    gen::problems, []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      return {gradient<T>(p.m, l.theta, append(l.x, l.x), append(l.y, l.y), on<T>(g)),
              gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g))};
    });

const bool zero_weight_law = register_backprop_law(
    {.name = "zero_weight_invariance",
     .kind = entry_kind::law,
     .family = "invariance",
     .claim = "adding an example of weight zero (a masked example) to a weighted mean does "
              "not change the gradient",
     .formula = "∇(Σ_i w_i L_i + 0·L_extra)/Σ_i w_i = ∇(Σ_i w_i L_i)/Σ_i w_i",
     .lhs = "batched backprop with a masked extra example",
     .rhs = "batched backprop of J",
     .explanation = "a zero weight scales that example's error to zero before backprop",
     .domain = {.hands_batches_of = 0}},
    reshuffled, []<class T>(const gradient_subject &g, const reshuffled_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      std::vector<exact> w(p.batch_size(), exact(1));
      w.push_back(exact(0));
      const mat<T> ex = lift<T>(mat<exact>(p.extra_x)), ey = lift<T>(mat<exact>(p.extra_y));
      return {g.on<T>()(p.m, l.theta, append(l.x, ex), append(l.y, ey), reduction::weighted(w)),
              gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g))};
    });

} // namespace
} // namespace gradlaws::props
