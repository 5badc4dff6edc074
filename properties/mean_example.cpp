// Averaging before the model: the gradient at the mean example, and backprop of the mean
// output error through one set of activations. Both equal the true gradient only when the
// per-example gradient is affine in what was averaged.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

/// The seed's linear regression, and an MLP with a piecewise-linear and a smooth activation.
const law_domain model_variants{.activations = selection<activation>::named({"relu", "sigmoid"}),
                                .families = {"linear_regression"},
                                .best_rung_only = true};
/// Where the equality is restored: a linear model under the linear loss, or one example.
const law_domain boundary_variants{
    .activations = selection<activation>::named({"relu", "sigmoid"}),
    .families = {"linear_model_linear_loss"},
    .best_rung_only = true,
    .one_example = true};

/// One example and small models are the minimal witness; the seed's linear regression must
/// reach exactly m = b = 0 and {(0, 0), (1, 1)}.
std::string mean_shape(const problem &p, const verdict &) {
  if (p.batch_size() != 2)
    return "expected two examples, got " + std::to_string(p.batch_size());
  if (p.m.parameter_count() == 2) return seed_regression_shape(p);
  return "";
}

/// The per-example gradients, their mean and the gradient at the mean example: arrows in the
/// plane of a two-parameter model (the seed's m and b), bars per parameter otherwise.
std::vector<figure> at_mean_figures(const problem &p, const verdict &) {
  struct vectors {
    std::vector<std::vector<double>> per_example;
    std::vector<double> mean, at_mean;
  };
  const auto compute = [&]<class T>() {
    const auto l = lift<T>(p);
    const auto doubles = [](const vec<T> &v) {
      std::vector<double> d;
      for (Eigen::Index k = 0; k < v.size(); ++k) d.push_back(double(v[k]));
      return d;
    };
    vectors out;
    for (Eigen::Index i = 0; i < l.x.cols(); ++i)
      out.per_example.push_back(doubles(example_gradient<T>(p.m, l.theta, l.x, l.y, i)));
    out.mean = doubles(gradient<T>(p.m, l.theta, l.x, l.y));
    out.at_mean = doubles(gradient_at_mean_example<T>(p.m, l.theta, l.x, l.y));
    return out;
  };
  const precision_scope scope(default_digits);
  const vectors v = p.m.supports(rung::exact) ? compute.operator()<exact>() : compute.operator()<high>();
  const auto &names = p.m.parameter_names();
  figure f;
  f.name = "gradients";
  f.title = "The gradient at the mean example is not the mean of the gradients";
  f.caption = "The batch gradient ∇J is the mean of the per-example gradients; the gradient at "
              "the mean example (x̄, ȳ) is another vector, because ∇L is not affine in (x, y).";
  if (names.size() == 2) {
    f.x_label = "∂/∂" + names[0];
    f.y_label = "∂/∂" + names[1];
    figure::series per{.label = "per-example gradients ∇L_i", .style = figure::mark::arrows};
    for (std::size_t i = 0; i < v.per_example.size(); ++i) {
      per.x.push_back(v.per_example[i][0]);
      per.y.push_back(v.per_example[i][1]);
      per.point_labels.push_back("∇L_" + std::to_string(i + 1));
    }
    f.data.push_back(std::move(per));
    f.data.push_back({.label = "their mean: ∇J (batched backprop)", .style = figure::mark::arrows,
                      .x = {v.mean[0]}, .y = {v.mean[1]}, .point_labels = {"∇J"}});
    f.data.push_back({.label = "∇L at the mean example (x̄, ȳ)", .style = figure::mark::arrows,
                      .x = {v.at_mean[0]}, .y = {v.at_mean[1]}, .point_labels = {"∇L(x̄, ȳ)"}});
  } else {
    f.x_label = "parameter";
    f.y_label = "gradient component";
    f.categories = names;
    figure::series mean{.label = "∇J: mean of per-example gradients", .style = figure::mark::bars};
    figure::series at{.label = "∇L at the mean example (x̄, ȳ)", .style = figure::mark::bars};
    for (std::size_t k = 0; k < names.size(); ++k) {
      mean.x.push_back(double(k));
      mean.y.push_back(v.mean[k]);
      at.x.push_back(double(k));
      at.y.push_back(v.at_mean[k]);
    }
    f.data = {mean, at};
  }
  return {f};
}

const bool at_mean = register_fallacy(
    make_fallacy<gradient_subject, problem>(
        {.name = "gradient_at_mean_example",
         .kind = entry_kind::fallacy,
         .family = "averaging before the model",
         .claim = "the gradient of the loss at the mean example equals the gradient of the mean "
                  "loss",
         .formula = "∇L(θ; x̄, ȳ) = (1/N) Σ_i ∇L(θ; x_i, y_i)",
         .lhs = "∇L at the mean example (x̄, ȳ)",
         .rhs = "batched backprop of J",
         GRADLAWS_SIDE_CODES(gradient_at_mean_example, gradient),
         .expected_shape = "two examples; for linear regression m = b = 0 and the batch "
                           "{(0, 0), (1, 1)}: ∂/∂m is -1/2 at the mean example against -1",
         .explanation = "for MSE, ∂L/∂m = -2x(y - mx - b) is quadratic in (x, y): its mean "
                        "differs from its value at the mean by 2·Cov(x, y - mx - b)",
         .domain = model_variants},
        model_variant_problems, GRADLAWS_NAMED_SIDES(gradient_at_mean_example, gradient),
        mean_shape)
        .with_figures(at_mean_figures),
    {.name = "gradient_at_mean_example_affine",
     .claim = "when the per-example gradient is affine in (x, y) — a linear model under the "
              "linear loss — or the batch has one example, the gradient at the mean example is "
              "the gradient of the mean loss",
     .formula = "∇L affine in (x, y) ⇒ ∇L(θ; x̄, ȳ) = (1/N) Σ_i ∇L(θ; x_i, y_i)",
     .explanation = "an affine function commutes with the mean",
     .cases = model_variant_problems,
     .domain = boundary_variants},
    builtin_gradient_subject);

// The mean error travels back through the backward pass of the subject; the reference is the
// same backward pass given every example's own error (which is the batch gradient).
template <class T> sides<T> mean_error_sides(const backward_subject &b, const problem &p) {
  const auto l = lift<T>(p);
  check_inputs(p.m, l.theta, l.x, l.y);
  const mat<T> e = output_errors(p.m, forward(p.m, l.theta, l.x), l.y);
  const mat<T> mean_error = e.rowwise().sum() / T(int(p.batch_size()));
  const auto [xm, ym] = mean_example(l.x, l.y);
  const T share = from_exact<T>(exact(1, long(p.batch_size())));
  return {b.on<T>()(p.m, l.theta, xm, mean_error), b.on<T>()(p.m, l.theta, l.x, mat<T>(e * share))};
}

const bool mean_error = register_fallacy(
    make_fallacy<backward_subject, problem>(
        {.name = "mean_error_backprop",
         .kind = entry_kind::fallacy,
         .family = "averaging before the model",
         .claim = "backpropagating the batch's mean output error through one forward pass (at "
                  "the mean input) gives the true gradient",
         .formula = "backward_{x̄}((1/N) Σ_i ∂L_i/∂ŷ_i) = ∇J",
         .lhs = "mean error backpropagated through the activations of x̄",
         .rhs = "batched backprop of J",
         .lhs_code = "mean_error_backprop<T>(m, theta, x, y)",
         .rhs_code = "gradient<T>(m, theta, x, y)",
         .expected_shape = "two examples; for linear regression m = b = 0 and the batch "
                           "{(0, 0), (1, 1)}",
         .explanation = "backward is linear in the error only at fixed activations (law "
                        "upstream_linearity): each example's error must travel back through its "
                        "own activations and inputs; ē·x̄ ≠ mean(e_i·x_i) unless Cov(e, x) = 0",
         .domain = model_variants},
        model_variant_problems,
        []<class T>(const backward_subject &b, const problem &p) { return mean_error_sides<T>(b, p); },
        mean_shape),
    {.name = "mean_error_backprop_affine",
     .claim = "with a linear model under the linear loss, or a batch of one, backpropagating "
              "the mean error through one pass gives the true gradient",
     .formula = "model and loss linear in x ⇒ backward_{x̄}(ē) = ∇J",
     .explanation = "constant errors and affine layers commute with the mean",
     .cases = model_variant_problems,
     .domain = boundary_variants},
    builtin_backward_subject);

} // namespace
} // namespace gradlaws::props
