// Gradient accumulation over micro-batches: weighted by size (or by the global count of valid
// examples or tokens) it is the full-batch gradient for every split and mask; the mean of
// micro-batch means is not, unless the micro-batches are equal.

#include "pipeline_cases.hpp"

namespace gradlaws::props {
namespace {

const bool accumulation_correct = register_law(
    make_law<pipeline_subject, pipeline_problem>(
        {.name = "accumulation_correct",
         .kind = entry_kind::law,
         .family = "accumulation",
         .claim = "gradient accumulation with the right weights — each micro-batch's mean loss "
                  "scaled by n_k/N, or each micro-batch's summed loss divided by the number N of "
                  "valid examples (tokens) in the whole accumulated batch — gives the full-batch "
                  "gradient, for every split into micro-batches and every mask",
         .formula = "Σ_k (n_k/N) ∇J_k = Σ_k ∇(Σ_{i∈k} L_i)/N = ∇J",
         .lhs = "accumulated gradient (the variant's strategy)",
         .rhs = "batched backprop of J over the valid examples",
         .explanation = "every valid example keeps weight (n_k/N)(1/n_k) = 1/N; masked examples "
                        "have weight 0 in both, and a micro-batch without valid examples adds "
                        "nothing",
         .domain = pipeline_strategies(selection<strategy>::named({"accumulate_weighted", "accumulate_global_count"}),
                                      {rung::exact, rung::high})},
        // Masked layouts, and as often unmasked ones, whose unequal micro-batches are the
        // layouts every averaging bug shows on.
        pipeline_cases({rc::gen::oneOf(gen::any_split(5, gen::masking::any),
                                       gen::any_split(5, gen::masking::none)),
                        5}),
        pipeline_law_sides),
    variant_strategy_subject);

const bool accumulation_fallacies = register_weight_fallacies({{
    .words =
        {.name = "accumulation_mean_of_means",
         .family = "accumulation",
         .claim = "gradient accumulation may divide each micro-batch's mean loss by the number of "
                  "micro-batches K: the mean of the micro-batch mean gradients is the full-batch "
                  "gradient",
         .formula = "(1/K) Σ_k ∇J_k = ∇J,   J_k = (1/n_k) Σ_{i∈k} L_i",
         .expected_shape = "micro-batch sizes (1, 2), linear regression at m = b = 0, and one non-zero "
                           "per-example gradient, in the 1-example micro-batch: weights "
                           "[1/2, 1/4, 1/4] against [1/3, 1/3, 1/3]",
         .explanation =
             "wrong formula: loss_k = (1/n_k) Σ_{i∈k} L_i, divided by K accumulation steps, gives "
             "example i of micro-batch k the weight 1/(K·n_k), so examples in short micro-batches "
             "(with per-token losses: tokens in micro-batches with few valid tokens) count more. "
             "Right formula: weight every example 1/N — scale micro-batch k's mean loss by n_k/N, "
             "or sum each micro-batch's per-example (per-token) losses and divide by the number N "
             "of valid examples (tokens) in the whole accumulated batch, counted before the first "
             "backward pass (strategies accumulate_weighted, accumulate_global_count). The two "
             "agree only when every micro-batch has the same number of valid items (boundary law "
             "accumulation_equal_sizes)."},
    .tested = {"mean of micro-batch mean gradients", "accumulate_naive"},
    .witness = {gen::ascending_split(3, 3), 9},
    .witness_groups = {1, 2},
    .boundary = {.name = "accumulation_equal_sizes",
                 .claim = "with micro-batches of equal size, the mean of the micro-batch mean "
                          "gradients is the full-batch gradient",
                 .formula = "n_k = N/K for every k  ⇒  (1/K) Σ_k ∇J_k = ∇J",
                 .explanation = "1/(K·n_k) = 1/(K·N/K) = 1/N for every example",
                 .layouts = {gen::equal_split(3, 3), 9}},
}});

} // namespace
} // namespace gradlaws::props
