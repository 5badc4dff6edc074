// The training step: global-norm clipping inside a gradient-accumulation loop, and clipping
// before the unscaling of a scaled loss (mixed precision). Both clip something other than the
// gradient the step applies: the clipped micro-batch gradients do not add up to the clipped
// accumulated one, and the scaled gradient's norm is S times the true one.

#include "cases.hpp"
#include "clipping_cases.hpp"

#include <algorithm>

namespace gradlaws::props {
namespace {

const std::string accumulation_family = "the training step";

clipping_subject accumulation_clipping(const variant &) { return norm_clipping_subject(); }

law_domain accumulation_domain(std::vector<rung> rungs) {
  return {.axis = variant_axis::rung, .rungs = std::move(rungs), .formats = step_formats};
}

property_info micro_batch_info() {
  return {.name = "clip_each_micro_batch",
          .kind = entry_kind::fallacy,
          .family = accumulation_family,
          .claim = "clipping each micro-batch's gradient and then accumulating them equals "
                   "clipping the accumulated gradient",
          .formula = "Σ_k (n_k/N) clip_C(∇J_k) = clip_C(Σ_k (n_k/N) ∇J_k)",
          .lhs = "accumulated clipped micro-batch gradients",
          .rhs = "clipped accumulated gradient",
          .expected_shape = "two micro-batches with one-component gradients, at least one "
                            "micro-batch's gradient beyond the threshold (C = 1, g = {2, 0} in "
                            "micro-batches of one example: 1/2 against 1)",
          .explanation = "global-norm clipping (torch.nn.utils.clip_grad_norm_) belongs after the "
                         "accumulation loop, once, on the gradient the optimizer steps with; "
                         "inside the loop it clips micro-batch gradients, which clipping does not "
                         "add up",
          .domain = accumulation_domain({rung::high})};
}

std::string micro_batch_shape(const clipping_case &c, const verdict &) {
  if (c.sizes.size() != 2 || c.dimension() != 1)
    return "expected two micro-batches with one-component gradients, got sizes " +
           tuple_string(c.sizes) + " of " + std::to_string(c.dimension()) + " component(s)";
  const auto m = micro_batch_means<exact>(c);
  const auto beyond = std::count_if(m.begin(), m.end(), [&](const vec<exact> &x) {
    return squared_norm(x) > c.threshold * c.threshold;
  });
  if (beyond == 0) return "expected a micro-batch gradient beyond the threshold";
  return "";
}

const bool micro_batch_registered = register_fallacy(
    make_fallacy<clipping_subject, clipping_case>(
        micro_batch_info(), clipping_micro_batches,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const auto means = micro_batch_means<T>(c);
          std::vector<vec<T>> clipped;
          for (const vec<T> &m : means) clipped.push_back(clip_with(s, c, m));
          const auto shares = shares_of(c.sizes);
          return {weighted_sum(clipped, shares), clip_with(s, c, weighted_sum(means, shares))};
        },
        micro_batch_shape),
    {.name = "clip_each_micro_batch_within_threshold",
     .claim = "when every micro-batch's gradient is inside the threshold, clipping each one and "
              "accumulating equals clipping the accumulated gradient",
     .formula = "max_k ‖∇J_k‖ ≤ C ⇒ Σ_k (n_k/N) clip_C(∇J_k) = clip_C(∇J)",
     .explanation = "nothing is clipped on either side: the accumulated gradient is a convex "
                    "combination of the micro-batch gradients, inside the ball with them",
     .cases = clipping_micro_batches_within,
     .domain = accumulation_domain({rung::exact, rung::machine})},
    accumulation_clipping);

property_info unscale_info() {
  return {.name = "clip_before_unscale",
          .kind = entry_kind::fallacy,
          .family = accumulation_family,
          .claim = "with a scaled loss, clipping the scaled gradient and then unscaling it equals "
                   "clipping the true gradient",
          .formula = "clip_C(S·g) / S = clip_C(g)",
          .lhs = "clip(S·g) / S",
          .rhs = "clip(g)",
          .expected_shape = "one one-component gradient whose scaled value is beyond the "
                            "threshold (C = 1, S = 2, g = 1: 1/2 against 1)",
          .explanation = "the scaled gradient's norm is S times the true one, so clipping it at C "
                         "clips the true gradient at C/S; unscale first (GradScaler.unscale_ "
                         "before clip_grad_norm_)",
          .domain = accumulation_domain({rung::high})};
}

std::string unscale_shape(const clipping_case &c, const verdict &) {
  if (c.g.size() != 1 || c.dimension() != 1)
    return "expected one one-component gradient, got " + std::to_string(c.g.size()) + " of " +
           std::to_string(c.dimension());
  const vec<exact> scaled = c.g.front() * c.scale;
  if (!(squared_norm(scaled) > c.threshold * c.threshold))
    return "expected the scaled gradient beyond the threshold";
  return "";
}

const bool unscale_registered = register_fallacy(
    make_fallacy<clipping_subject, clipping_case>(
        unscale_info(), clipping_scaled,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const vec<T> g = lift<T>(c.g.front());
          const T scale = from_exact<T>(c.scale);
          vec<T> scaled = g;
          for (Eigen::Index j = 0; j < g.size(); ++j) scaled[j] = g[j] * scale;
          vec<T> unscaled = clip_with(s, c, scaled);
          for (Eigen::Index j = 0; j < g.size(); ++j) unscaled[j] = unscaled[j] / scale;
          return {unscaled, clip_with(s, c, g)};
        },
        unscale_shape),
    {.name = "clip_before_unscale_within_threshold",
     .claim = "when the scaled gradient is inside the threshold, clipping before unscaling "
              "changes nothing",
     .formula = "S·‖g‖ ≤ C ⇒ clip_C(S·g) / S = clip_C(g)",
     .explanation = "with S ≥ 1, the true gradient is inside the threshold too, and neither "
                    "order clips; a power-of-two scale multiplies and divides exactly",
     .cases = clipping_scaled_within,
     .domain = accumulation_domain({rung::exact, rung::machine})},
    accumulation_clipping);

} // namespace
} // namespace gradlaws::props
