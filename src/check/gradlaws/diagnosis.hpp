#pragma once
// Diagnosis of a pipeline that does not compute the full-batch gradient: its effective weight
// per example or token, found by probing it, beside the correct weights, and the registered
// strategies (conventions, known bugs) whose weights it matches.
//
// The probe is a model whose per-example gradients are linearly independent: a dense layer
// ŷ = W x + b under the linear loss, with example i the unit vector e_i, so that ∇_W L_i = −e_iᵀ.
// Any pipeline that computes Σ_i w_i ∇L_i then shows w_i as −∂/∂W_i of its gradient, and the
// bias gradient −Σ w_i confirms it.

#include "gradlaws/subject.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gradlaws {

struct weight_diagnosis {
  std::vector<exact> given;   ///< the pipeline's effective weights (exact fractions)
  std::vector<exact> correct; ///< 1/N_valid for every valid item, 0 for the rest
  /// Registered strategies with exactly these weights on this layout, with their descriptions.
  std::vector<std::pair<std::string, std::string>> matches;
  /// Set when the gradient is not a reweighting of per-example gradients, or the probe could
  /// not run (e.g. the subject handles one model only): why.
  std::string unavailable;
};

/// Probes the subject on the layout, on the exact rung when it runs there, else in double
/// (weights then read back as the nearest fractions with denominators up to 10^4, which must
/// agree to within 10^-9).
/// `family`, when known, keeps the matches to that family's conventions.
weight_diagnosis diagnose_weights(const pipeline_subject &s, const layout &l,
                                  std::optional<strategy_family> family = std::nullopt);

/// The diagnosis as named report details: "weights given", "correct weights", "matches".
std::vector<std::pair<std::string, std::string>> diagnosis_details(const weight_diagnosis &d);

/// Batch gradients: probes the subject (with the same probe model) under the mean, the sum and a
/// weighted mean over n examples and names the first reduction whose effective weights are
/// wrong, and what they are instead (the sum's, w_i/N, …). Empty when every reduction's weights
/// are right, or the subject cannot run the probe.
std::vector<std::pair<std::string, std::string>> diagnose_reduction(const gradient_subject &s,
                                                                    std::size_t n = 3);

} // namespace gradlaws
