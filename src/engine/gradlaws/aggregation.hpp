#pragma once
// Loss-aggregation modes of sequence and RL fine-tuning code: how the per-token losses of a
// batch of sequences become one loss, as data. Each mode gives every token a coefficient, so
// J = Σ_t c_t L_t, from the sequences' lengths and which tokens are labelled (an ignored
// token has coefficient 0 whatever the mode).
//
//   const gradlaws::aggregation_mode &m = gradlaws::find_aggregation("seq_mean_token_mean");
//   m.coefficients({1, 2}, {true, true, false});   // [1/2, 1/2, 0]: 1/(S·T_s)
//
// A micro-batch (or a rank) applies the mode to its own sequences; `combine` says how the
// micro-batches' losses are put together in training code that uses the mode, and
// `split_invariant` whether that gives the whole batch's loss for every split.

#include "gradlaws/scalar.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

struct aggregation_mode {
  /// How training code puts the micro-batches' losses J_k together.
  enum class combination {
    sequence_share, ///< Σ_k (S_k/S) J_k: each micro-batch's loss scaled by its share of sequences
    sum             ///< Σ_k J_k: every micro-batch divides by the same constant
  };
  std::string name;      ///< registry key, e.g. "token_mean"
  std::string framework; ///< where it is used, e.g. "verl loss_agg_mode='token-mean'"
  std::string formula;   ///< J over S sequences with T_s labelled tokens each
  combination combine = combination::sequence_share;
  /// True when combining the micro-batches' J_k as `combine` says gives J of the whole batch
  /// for every split of the sequences.
  bool split_invariant = false;
  /// Why (or why not).
  std::string why;

  /// The coefficient c_t of every token of sequences of the given lengths, in order;
  /// `labelled` has one flag per token. Throws dimension_error if the flags do not match the
  /// lengths, empty_batch_error when there is no sequence, or no labelled token where the mode
  /// divides by their number.
  std::vector<exact> coefficients(const std::vector<std::size_t> &lengths,
                                  const std::vector<bool> &labelled) const;
};

/// The constant a fixed denominator divides by (a run's configured loss scale).
inline constexpr long fixed_denominator = 8;

/// The registered modes: token_mean, seq_mean_token_sum, seq_mean_token_mean,
/// seq_mean_token_sum_norm, fixed_denominator.
const std::vector<aggregation_mode> &aggregation_modes();
/// Looks up a mode; throws unknown_name_error listing the registered names.
const aggregation_mode &find_aggregation(std::string_view name);

} // namespace gradlaws
