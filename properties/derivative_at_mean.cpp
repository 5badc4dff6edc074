// The seed's first confusion, one layer down: averaging pre-activations before the
// nonlinearity. σ′(mean z) = mean σ′(z) only when σ′ is affine, i.e. σ is at most quadratic.
// Written over an activation subject: every activation of the registry, or a user's.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const auto affine_derivative = selection<activation>::where(
    "with an affine derivative", [](const activation &a) { return a.info().affine_derivative; });
const auto curved_derivative = selection<activation>::where(
    "with a curved derivative", [](const activation &a) { return !a.info().affine_derivative; });

property_info fallacy_info() {
  return {.name = "derivative_at_mean",
          .kind = entry_kind::fallacy,
          .family = "averaging before the nonlinearity",
          .claim = "the derivative of the activation at the mean pre-activation equals the mean "
                   "of the derivatives",
          .formula = "σ′((1/N) Σ_i z_i) = (1/N) Σ_i σ′(z_i)",
          .lhs = "σ′(mean z)",
          .rhs = "mean σ′(z)",
          .lhs_code = "derivative_at_mean<T>(act, z)",
          .rhs_code = "mean_derivative<T>(act, z)",
          .expected_shape = "two pre-activations z = {0, 1} (sigmoid: 0.23500 against 0.22331; "
                            "cube: exactly 3/4 against 3/2)",
          .explanation = "σ′ is not affine, so it does not commute with the mean (Jensen's gap); "
                         "backprop must evaluate σ′ at every example's own z_i",
          .domain = {.activations = curved_derivative, .best_rung_only = true}};
}

std::string derivative_shape(const activation_case &c, const verdict &) {
  // z = {0, 1} is the smallest witness: one example cannot differ, 0 alone is a single
  // point, and 1 is the first value the shrinker tries after 0.
  std::vector<exact> sorted = c.z;
  std::sort(sorted.begin(), sorted.end());
  if (sorted != std::vector<exact>{exact(0), exact(1)})
    return "expected z = {0, 1}, got " + list_string(c.z);
  return "";
}

const bool registered = register_fallacy(
    make_fallacy<const activation *, activation_case>(
        fallacy_info(), activation_cases,
        []<class T>(const activation *a, const activation_case &c) -> sides<T> {
          return derivative_at_mean_sides<T>(*a, c);
        },
        derivative_shape,
        [](const activation_case &c, const std::string &test, const verdict &found) {
          return activation_regression(c, fallacy_info(), test, found);
        }),
    {.name = "derivative_at_mean_quadratic",
     .claim = "for an activation at most quadratic (σ′ affine), the derivative at the mean "
              "pre-activation equals the mean derivative",
     .formula = "σ′ affine ⇒ σ′((1/N) Σ_i z_i) = (1/N) Σ_i σ′(z_i)",
     .explanation = "an affine function commutes with the mean",
     .cases = activation_cases,
     .domain = {.activations = affine_derivative, .best_rung_only = true}},
    variant_activation);

} // namespace
} // namespace gradlaws::props
