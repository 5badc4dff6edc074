// Token-normalised losses: the mean over every valid token of the batch is the full-batch
// gradient for every mask and padding; the mean of per-sequence token means is not, unless
// every sequence has the same number of valid tokens.

#include "pipeline_cases.hpp"

namespace gradlaws::props {
namespace {

const bool global_mean = register_strategy_law({
    .words = {.name = "token_global_mean",
              .family = "tokens",
              .claim = "summing the per-token losses over every valid token of every sequence "
                       "and dividing by the number of valid tokens gives the gradient of the mean "
                       "over valid tokens, for every set of sequence lengths, ignored tokens and "
                       "padding",
              .formula = "Σ_{valid t} ∇L_t / T = ∇ (1/T) Σ_{valid t} L_t",
              .rhs = "batched backprop of the mean over valid tokens",
              .explanation = "every valid token has weight 1/T and every ignored token 0 on both "
                             "sides"},
    .tested = {"global token mean", "token_global_mean"},
    .layouts = {gen::any_sequences(3, 3, gen::masking::any), 9},
});

const bool sequence_means = register_weight_fallacies({{
    .words =
        {.name = "token_mean_of_sequence_means",
         .family = "tokens",
         .claim = "a token-level loss may be averaged within each sequence first and then over the "
                  "sequences: the mean of per-sequence token means is the mean over all tokens",
         .formula = "(1/S) Σ_s (1/T_s) Σ_{valid t∈s} ∇L_t = Σ_{valid t} ∇L_t / T",
         .expected_shape = "token counts (1, 2) without padding, linear regression at m = b = 0, "
                           "and one non-zero token gradient, in the 1-token sequence: weights "
                           "[1/2, 1/4, 1/4] against [1/3, 1/3, 1/3]",
         .explanation =
             "wrong formula: each sequence's loss is the mean over its own T_s valid tokens and the "
             "batch loss the mean over the S sequences, so a token of sequence s gets weight "
             "1/(S·T_s) and tokens of short sequences count more. Right formula: sum the per-token "
             "losses over every valid token (ignored and padding tokens excluded) and divide by the "
             "total number T of valid tokens in the batch — under gradient accumulation, the total "
             "over all micro-batches, counted before the first backward pass (token_global_mean; "
             "accumulate_global_count with tokens as items). The two agree only when every "
             "sequence has the same number of valid tokens (boundary law token_equal_counts)."},
    .tested = {"mean of per-sequence token means", "token_mean_of_sequence_means"},
    .reference = {"global mean over valid tokens", "token_global_mean"},
    .witness = {gen::ascending_sequences(3, 2, 1), 9},
    .witness_groups = {1, 2},
    .boundary = {.name = "token_equal_counts",
                 .claim = "when every sequence has the same number of valid tokens (padding "
                          "aside), the mean of per-sequence token means is the mean over all "
                          "valid tokens",
                 .formula =
                     "T_s = T/S for every s  ⇒  (1/S) Σ_s (1/T_s) Σ_{t∈s} ∇L_t = Σ_t ∇L_t / T",
                 .explanation = "1/(S·T_s) = 1/T for every valid token; padding has weight 0 on "
                                "both sides",
                 .layouts = {gen::equal_token_sequences(3, 3, 2), 15}},
}});

} // namespace
} // namespace gradlaws::props
