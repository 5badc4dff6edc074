// The training step, after the gradient: clipping. Clipping by the norm is the identity inside
// the ball of radius C and a radial projection outside it: not affine, so it does not commute
// with a mean — of examples (per-example clipping, as in DP-SGD), of micro-batches (global-norm
// clipping inside an accumulation loop), or with the unscaling of a scaled loss. Written over a
// clipping subject: gradlaws's clip_by_norm, or a user's clipping code.

#include "cases.hpp"
#include "clipping_cases.hpp"

#include <algorithm>

namespace gradlaws::props {
namespace {

const std::string step_family = "the training step";

clipping_subject builtin_clipping(const variant &) { return norm_clipping_subject(); }

/// (1/N) Σ clip(g_i).
template <class T>
vec<T> mean_of_clipped(const clipping_subject &s, const clipping_case &c, const std::vector<vec<T>> &g) {
  std::vector<vec<T>> clipped;
  for (const vec<T> &gi : g) clipped.push_back(clip_with(s, c, gi));
  return weighted_sum(clipped, uniform_weights(g.size()));
}

/// clip((1/N) Σ g_i).
template <class T>
vec<T> clipped_mean(const clipping_subject &s, const clipping_case &c, const std::vector<vec<T>> &g) {
  return clip_with(s, c, weighted_sum(g, uniform_weights(g.size())));
}

// A law over a clipping subject: the high rung (norms are square roots) and the machine rung,
// in double, float, bfloat16 and float16.
law_domain clipping_domain(std::vector<rung> rungs = {rung::high, rung::machine}) {
  return {.axis = variant_axis::rung, .rungs = std::move(rungs), .formats = step_formats};
}

/// How many of the vectors lie beyond the threshold.
std::size_t beyond_threshold(const std::vector<vec<exact>> &v, const exact &threshold) {
  return std::size_t(std::count_if(v.begin(), v.end(), [&](const vec<exact> &x) {
    return squared_norm(x) > threshold * threshold;
  }));
}

// ---------------------------------------------------------------------------------------------
// Per-example clipping (DP-SGD)

property_info per_example_info() {
  return {.name = "clipped_mean_of_examples",
          .kind = entry_kind::fallacy,
          .family = step_family,
          .claim = "the mean of the per-example clipped gradients equals the clipped mean gradient",
          .formula = "(1/N) Σ_i clip_C(g_i) = clip_C((1/N) Σ_i g_i)",
          .lhs = "mean of clipped g_i",
          .rhs = "clipped mean g",
          .expected_shape = "two one-component gradients, one beyond the threshold and one inside "
                            "it (C = 1, g = {2, 0}: 1/2 against 1)",
          .explanation = "clipping is the identity inside the ball of radius C and a projection "
                         "onto its sphere outside: not affine, so it does not commute with the "
                         "mean; DP-SGD clips each example on purpose, and its mean is not the "
                         "clipped batch gradient",
          .domain = clipping_domain({rung::high})};
}

std::string per_example_shape(const clipping_case &c, const verdict &) {
  if (c.g.size() != 2 || c.dimension() != 1)
    return "expected two one-component gradients, got " + std::to_string(c.g.size()) + " of " +
           std::to_string(c.dimension());
  if (beyond_threshold(c.g, c.threshold) != 1)
    return "expected exactly one gradient beyond the threshold";
  return "";
}

const bool per_example_registered = register_fallacy(
    make_fallacy<clipping_subject, clipping_case>(
        per_example_info(), clipping_batches,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const auto g = lift_all<T>(c.g);
          return {mean_of_clipped(s, c, g), clipped_mean(s, c, g)};
        },
        per_example_shape),
    {.name = "clipped_mean_of_examples_within_threshold",
     .claim = "when every per-example gradient is inside the threshold, the mean of the clipped "
              "gradients is the clipped mean gradient",
     .formula = "max_i ‖g_i‖ ≤ C ⇒ (1/N) Σ_i clip_C(g_i) = clip_C((1/N) Σ_i g_i)",
     .explanation = "inside the ball clipping is the identity, and the mean of vectors inside it "
                    "is inside it too (the ball is convex)",
     .cases = clipping_batches_within,
     .domain = clipping_domain({rung::exact, rung::machine})},
    builtin_clipping);

// ---------------------------------------------------------------------------------------------
// Invariances of the clipped mean

const bool permutation_registered = register_law(
    make_law<clipping_subject, clipping_case>(
        {.name = "clipped_mean_permutation_invariance",
         .family = step_family,
         .claim = "the mean of the per-example clipped gradients does not depend on the order of "
                  "the examples",
         .formula = "(1/N) Σ_i clip_C(g_i) = (1/N) Σ_i clip_C(g_π(i))",
         .lhs = "mean of clipped g_i",
         .rhs = "the same, examples permuted",
         .explanation = "each example is clipped on its own and a mean is symmetric",
         .domain = clipping_domain()},
        clipping_permuted,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const auto g = lift_all<T>(c.g);
          std::vector<vec<T>> permuted;
          for (std::size_t i : c.order) permuted.push_back(g[i]);
          return {mean_of_clipped(s, c, g), mean_of_clipped(s, c, permuted)};
        }),
    builtin_clipping);

const bool duplication_registered = register_law(
    make_law<clipping_subject, clipping_case>(
        {.name = "clipped_mean_duplication_invariance",
         .family = step_family,
         .claim = "the mean of the per-example clipped gradients of a batch is that of the batch "
                  "taken twice",
         .formula = "(1/N) Σ_i clip_C(g_i) = (1/2N) Σ_i 2·clip_C(g_i)",
         .lhs = "mean of clipped g_i",
         .rhs = "the same over the batch twice",
         .explanation = "a mean counts each example's share; the threshold acts on each example "
                        "alone, never on the batch size",
         .domain = clipping_domain()},
        clipping_batches,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const auto g = lift_all<T>(c.g);
          std::vector<vec<T>> twice = g;
          twice.insert(twice.end(), g.begin(), g.end());
          return {mean_of_clipped(s, c, g), mean_of_clipped(s, c, twice)};
        }),
    builtin_clipping);

const bool rotation_registered = register_law(
    make_law<clipping_subject, clipping_case>(
        {.name = "clipping_rotation_equivariance",
         .family = step_family,
         .claim = "clipping by the norm commutes with a rotation: it shortens a gradient along "
                  "its own direction",
         .formula = "clip_C(Q g) = Q clip_C(g) for a rotation Q",
         .lhs = "clip(Q g)",
         .rhs = "Q clip(g)",
         .explanation = "‖Q g‖ = ‖g‖, so both sides scale Q g by the same min(1, C/‖g‖); a rule "
                        "that clips each component instead (a clamp) turns the gradient",
         .domain = clipping_domain()},
        clipping_rotated,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const vec<T> g = lift<T>(c.g.front());
          return {clip_with(s, c, c.rotation->apply(g)), c.rotation->apply(clip_with(s, c, g))};
        }),
    builtin_clipping);

const bool sphere_registered = register_law(
    make_law<clipping_subject, clipping_case>(
        {.name = "clipping_onto_sphere",
         .family = step_family,
         .claim = "a gradient beyond the threshold is clipped onto the sphere of radius C (of "
                  "radius C·‖g‖/(‖g‖ + ε) for a rule that adds ε to the norm)",
         .formula = "‖g‖ > C ⇒ ‖clip_C(g)‖ = C·‖g‖/(‖g‖ + ε)",
         .lhs = "‖clip(g)‖",
         .rhs = "C·‖g‖/(‖g‖ + ε)",
         .explanation = "the clipping factor is C/(‖g‖ + ε); a rule that clips at another radius "
                        "(the squared norm, a threshold divided by the batch size) does not land "
                        "there",
         .domain = clipping_domain()},
        clipping_beyond,
        []<class T>(const clipping_subject &s, const clipping_case &c) -> sides<T> {
          const vec<T> g = lift<T>(c.g.front());
          const T n = norm_of(g);
          vec<T> lhs(1), rhs(1);
          lhs[0] = norm_of(clip_with(s, c, g));
          rhs[0] = from_exact<T>(c.threshold) * n / (n + from_exact<T>(c.epsilon));
          return {lhs, rhs};
        }),
    builtin_clipping);

} // namespace
} // namespace gradlaws::props
