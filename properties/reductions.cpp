// Nonlinear reductions: J = g((1/N) Σ L_i) with g nonlinear (RMSE, log-mean-exp) is not the
// mean of g(L_i); its gradient is not the mean of ∇g(L_i).

#include "cases.hpp"

namespace gradlaws::props {
namespace {

template <class T> sides<T> reduction_sides(const gradient_subject &g, const reduction_case &c) {
  using std::exp;
  using std::log;
  using std::sqrt;
  const auto l = lift<T>(c);
  const Eigen::Index n = l.x.cols();
  const vec<T> li = example_losses<T>(c.m, l.theta, l.x, l.y);
  std::vector<vec<T>> gi;
  for (Eigen::Index i = 0; i < n; ++i) gi.push_back(example_gradient<T>(c.m, l.theta, l.x, l.y, i, on<T>(g)));
  const T count = T(int(n));
  vec<T> lhs = vec<T>::Constant(l.theta.size(), T(0)), rhs = lhs;
  if constexpr (is_exact_v<T>) {
    if (c.g != "affine") throw unsupported_rung_error(c.g + " needs √ or exp: use the high rung");
  } else if (c.g == "rmse") {
    // ∇√J = ∇J / (2√J)   against   mean ∇√L_i = mean ∇L_i / (2√L_i)
    const T j = li.sum() / count;
    const vec<T> grad_j = gradient<T>(c.m, l.theta, l.x, l.y, on<T>(g));
    lhs = grad_j / (T(2) * sqrt(j));
    for (Eigen::Index i = 0; i < n; ++i) rhs += gi[std::size_t(i)] / (T(2) * sqrt(li[i]));
    rhs /= count;
  } else if (c.g == "log_mean_exp") {
    // ∇ log mean e^{L_i} = Σ softmax(L)_i ∇L_i   against   mean ∇ log e^{L_i} = mean ∇L_i
    T z(0);
    for (Eigen::Index i = 0; i < n; ++i) z += exp(li[i]);
    for (Eigen::Index i = 0; i < n; ++i) {
      lhs += (exp(li[i]) / z) * gi[std::size_t(i)];
      rhs += gi[std::size_t(i)];
    }
    rhs /= count;
  }
  if (c.g == "affine") {
    // g(t) = 2t + 1: ∇g(J) = 2∇J   against   mean ∇g(L_i) = mean 2∇L_i
    lhs = T(2) * gradient<T>(c.m, l.theta, l.x, l.y, on<T>(g));
    for (Eigen::Index i = 0; i < n; ++i) rhs += T(2) * gi[std::size_t(i)];
    rhs /= count;
  }
  return {lhs, rhs};
}

std::string two_different_losses(const reduction_case &c, const verdict &) {
  if (c.batch_size() != 2) return "expected two examples, got " + std::to_string(c.batch_size());
  const auto l = lift<exact>(c);
  const vec<exact> li = example_losses<exact>(c.m, l.theta, l.x, l.y);
  if (li[0] == li[1]) return "expected two different losses, got " + to_string(li);
  return "";
}

/// Both sides per parameter: the chain rule's weights against the per-example ones.
std::vector<figure> reduction_figures(const reduction_case &c, const verdict &) {
  const precision_scope scope(default_digits);
  const sides<high> s = reduction_sides<high>(backprop_subject(), c);
  figure f;
  f.name = "sides";
  f.title = "∇ g(J) against the mean of ∇ g(L_i), g = " + c.g;
  f.x_label = "parameter";
  f.y_label = "gradient component";
  f.categories = c.m.parameter_names();
  figure::series lhs{.label = "∇ g(J): g′ at the mean loss", .style = figure::mark::bars};
  figure::series rhs{.label = "mean of ∇ g(L_i): g′ at each loss", .style = figure::mark::bars};
  for (Eigen::Index k = 0; k < s.lhs.size(); ++k) {
    lhs.x.push_back(double(k));
    lhs.y.push_back(s.lhs[k].convert_to<double>());
    rhs.x.push_back(double(k));
    rhs.y.push_back(s.rhs[k].convert_to<double>());
  }
  f.data = {lhs, rhs};
  f.caption = "The chain rule weights each ∇L_i by g′ at the mean loss, not by g′(L_i): the bars "
              "part wherever the losses differ and g′ is not constant.";
  return {f};
}

const bool nonlinear = register_fallacy(
    make_fallacy<gradient_subject, reduction_case>(
        {.name = "nonlinear_reduction",
         .kind = entry_kind::fallacy,
         .family = "reductions",
         .claim = "the gradient of a nonlinear reduction g of the mean loss equals the mean of the "
                  "per-example gradients of g(L_i)",
         .formula = "∇ g((1/N) Σ_i L_i) = (1/N) Σ_i ∇ g(L_i)   for g = √ (RMSE), log-mean-exp",
         .lhs = "∇ g(J)",
         .rhs = "mean of ∇ g(L_i)",
         .expected_shape = "two examples with different losses",
         .explanation = "the chain rule weights each ∇L_i by g′ at the mean (or by softmax(L)), not "
                        "by g′(L_i)/N; the two agree only when g′ is constant",
         .domain = {.axis = variant_axis::reduction, .reductions = {"rmse", "log_mean_exp"}}},
        reduction_cases,
        []<class T>(const gradient_subject &g, const reduction_case &c) -> sides<T> {
          return reduction_sides<T>(g, c);
        },
        two_different_losses)
        .with_figures(reduction_figures),
    {.name = "affine_reduction",
     .claim = "for an affine reduction g(t) = 2t + 1 the gradient of g(J) is the mean of the "
              "gradients of g(L_i)",
     .formula = "∇(2J + 1) = (1/N) Σ_i ∇(2L_i + 1)",
     .explanation = "g′ is constant",
     .cases = reduction_cases,
     .domain = {.axis = variant_axis::reduction, .reductions = {"affine"}}},
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
