// Averaging before the model: the gradient at the mean example, and backprop of the mean
// output error through one set of activations. Both equal the true gradient only when the
// per-example gradient is affine in what was averaged.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

std::vector<std::string> model_variants() {
  return {"linear_regression", "relu_exact", "sigmoid_high"};
}
std::vector<std::string> boundary_variants() {
  return {"linear_model_linear_loss", "one_example_relu_exact", "one_example_sigmoid_high"};
}

/// One example and small models are the minimal witness; the seed's linear regression must
/// reach exactly m = b = 0 and {(0, 0), (1, 1)}.
std::string mean_shape(const problem &p, const verdict &) {
  if (p.batch_size() != 2)
    return "expected two examples, got " + std::to_string(p.batch_size());
  if (p.m.parameter_count() == 2) return seed_regression_shape(p);
  return "";
}

template <class T> sides<T> gradient_at_mean_sides(const problem &p) {
  const auto l = lift<T>(p);
  return {gradient_at_mean_example<T>(p.m, l.theta, l.x, l.y), gradient<T>(p.m, l.theta, l.x, l.y)};
}

template <class T> sides<T> mean_error_sides(const problem &p) {
  const auto l = lift<T>(p);
  return {mean_error_backprop<T>(p.m, l.theta, l.x, l.y), gradient<T>(p.m, l.theta, l.x, l.y)};
}

const bool at_mean = register_property<problem>(
    {.name = "gradient_at_mean_example",
     .kind = entry_kind::fallacy,
     .family = "averaging before the model",
     .claim = "the gradient of the loss at the mean example equals the gradient of the mean loss",
     .formula = "∇L(θ; x̄, ȳ) = (1/N) Σ_i ∇L(θ; x_i, y_i)",
     .lhs = "∇L at the mean example (x̄, ȳ)",
     .rhs = "batched backprop of J",
     .lhs_code = "gradient_at_mean_example<T>(m, theta, x, y)",
     .rhs_code = "gradient<T>(m, theta, x, y)",
     .boundary = "gradient_at_mean_example_affine",
     .expected_shape = "two examples; for linear regression m = b = 0 and the batch "
                       "{(0, 0), (1, 1)}: ∂/∂m is -1/2 at the mean example against -1",
     .explanation = "for MSE, ∂L/∂m = -2x(y - mx - b) is quadratic in (x, y): its mean differs "
                    "from its value at the mean by 2·Cov(x, y - mx - b)"},
    variant_list(model_variants()), model_variant_problems,
    []<class T>(const problem &p) -> sides<T> { return gradient_at_mean_sides<T>(p); },
    mean_shape);

const bool at_mean_boundary = register_property<problem>(
    {.name = "gradient_at_mean_example_affine",
     .kind = entry_kind::boundary_law,
     .family = "averaging before the model",
     .claim = "when the per-example gradient is affine in (x, y) — a linear model under the "
              "linear loss — or the batch has one example, the gradient at the mean example is "
              "the gradient of the mean loss",
     .formula = "∇L affine in (x, y) ⇒ ∇L(θ; x̄, ȳ) = (1/N) Σ_i ∇L(θ; x_i, y_i)",
     .lhs = "∇L at the mean example (x̄, ȳ)",
     .rhs = "batched backprop of J",
     .lhs_code = "gradient_at_mean_example<T>(m, theta, x, y)",
     .rhs_code = "gradient<T>(m, theta, x, y)",
     .boundary = "gradient_at_mean_example",
     .explanation = "an affine function commutes with the mean"},
    variant_list(boundary_variants()), model_variant_problems,
    []<class T>(const problem &p) -> sides<T> { return gradient_at_mean_sides<T>(p); });

const bool mean_error = register_property<problem>(
    {.name = "mean_error_backprop",
     .kind = entry_kind::fallacy,
     .family = "averaging before the model",
     .claim = "backpropagating the batch's mean output error through one forward pass (at the "
              "mean input) gives the true gradient",
     .formula = "backward_{x̄}((1/N) Σ_i ∂L_i/∂ŷ_i) = ∇J",
     .lhs = "mean error backpropagated through the activations of x̄",
     .rhs = "batched backprop of J",
     .lhs_code = "mean_error_backprop<T>(m, theta, x, y)",
     .rhs_code = "gradient<T>(m, theta, x, y)",
     .boundary = "mean_error_backprop_affine",
     .expected_shape = "two examples; for linear regression m = b = 0 and the batch "
                       "{(0, 0), (1, 1)}",
     .explanation = "backward is linear in the error only at fixed activations (law "
                    "upstream_linearity): each example's error must travel back through its own "
                    "activations and inputs; ē·x̄ ≠ mean(e_i·x_i) unless Cov(e, x) = 0"},
    variant_list(model_variants()), model_variant_problems,
    []<class T>(const problem &p) -> sides<T> { return mean_error_sides<T>(p); }, mean_shape);

const bool mean_error_boundary = register_property<problem>(
    {.name = "mean_error_backprop_affine",
     .kind = entry_kind::boundary_law,
     .family = "averaging before the model",
     .claim = "with a linear model under the linear loss, or a batch of one, backpropagating the "
              "mean error through one pass gives the true gradient",
     .formula = "model and loss linear in x ⇒ backward_{x̄}(ē) = ∇J",
     .lhs = "mean error backpropagated through the activations of x̄",
     .rhs = "batched backprop of J",
     .lhs_code = "mean_error_backprop<T>(m, theta, x, y)",
     .rhs_code = "gradient<T>(m, theta, x, y)",
     .boundary = "mean_error_backprop",
     .explanation = "constant errors and affine layers commute with the mean"},
    variant_list(boundary_variants()), model_variant_problems,
    []<class T>(const problem &p) -> sides<T> { return mean_error_sides<T>(p); });

} // namespace
} // namespace gradlaws::props
