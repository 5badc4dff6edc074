// Laws 1–3: differentiation is linear, so the gradient of the batch objective is the same
// vector however the per-example pieces are assembled. Written over a batch-gradient subject
// and applied to gradlaws's backprop on every activation and rung.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool linearity = register_backprop_law(
    {.name = "linearity",
     .kind = entry_kind::law,
     .family = "linearity",
     .claim = "the gradient of the batch's mean loss, by one batched backward pass, equals "
              "the mean of N isolated per-example backward passes",
     .formula = "∇_θ (1/N) Σ_i L_i(θ) = (1/N) Σ_i ∇_θ L_i(θ)",
     .lhs = "batched backprop of J",
     .rhs = "mean of per-example backprops",
     GRADLAWS_SIDE_CODES(gradient, mean_of_example_gradients),
     .explanation = "differentiation is linear, and without batch-coupled layers each L_i "
                    "depends on example i alone"},
    gen::problems, GRADLAWS_NAMED_SIDES(gradient, mean_of_example_gradients));

// The subject against the reference: the reverse-mode oracle (in float and double, where a
// user's subject is judged, gradlaws's own backprop in the same format and functions).
const bool oracle_agreement = register_backprop_law(
    {.name = "oracle_agreement",
     .kind = entry_kind::law,
     .family = "linearity",
     .claim = "batched backprop equals reverse-mode differentiation of the scalar objective "
              "J (every operation of the forward pass recorded and swept back; no backward "
              "code, no hand derivatives)",
     .formula = "backprop ∇J(θ) = (∂J/∂θ_k)_k by reverse mode",
     .lhs = "batched backprop of J",
     .rhs = "reverse-mode oracle ∇J (in float and double: gradlaws's backprop)",
     GRADLAWS_SIDE_CODES(gradient, oracle_gradient),
     .explanation = "two independent code paths compute the same derivative",
     .domain = {.holds_under_coupling = true, .hands_batches_of = 0, .evaluates_model = true}},
    gen::problems, oracle_sides);

const bool reduction_scale = register_backprop_law(
    {.name = "reduction_scale",
     .kind = entry_kind::law,
     .family = "linearity",
     .claim = "the gradient of the summed loss is N times the gradient of the mean loss",
     .formula = "∇ Σ_i L_i = N · ∇ (1/N) Σ_i L_i",
     .lhs = "batched backprop of Σ L_i",
     .rhs = "N × batched backprop of J",
     .lhs_code = "gradient<T>(m, theta, x, y, reduction::sum())",
     .rhs_code = "vec<T>(T(int(x.cols())) * gradient<T>(m, theta, x, y))",
     .explanation = "the reduction's constant factor passes through the derivative",
     .domain = {.holds_under_coupling = true, .hands_batches_of = 0}},
    gen::problems, []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      const T n(int(p.batch_size()));
      return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::sum()),
              vec<T>(n * gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g)))};
    });

} // namespace
} // namespace gradlaws::props
