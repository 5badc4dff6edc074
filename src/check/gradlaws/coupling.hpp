#pragma once
// The batch-coupling detector. Without a batch-coupled layer, example i's loss L_i depends on
// θ and (x_i, y_i) alone, so its gradient within the batch, ∇_θ L_i(batch), does not move
// when another example does. The detector perturbs example j (x_j → x_j + δ_j) and asks,
// for every i ≠ j, whether ∇_θ L_i(batch) changed. BatchNorm in training mode couples: for
// x = {0, 0}, moving x_2 to 1 turns example 1's normalised value from 0 to about -1.

#include "gradlaws/judge.hpp"
#include "gradlaws/problem.hpp"

#include <optional>

namespace gradlaws {

/// The detector's two sides for one pair: ∇_θ L_i(batch) after and before x_j += δ, by the
/// batch gradient `g` (gradlaws's own when empty).
/// Throws dimension_error for i = j, an index outside the batch, or a δ of the wrong height.
template <class T>
sides<T> coupling_probe(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                        Eigen::Index i, Eigen::Index j, const vec<T> &delta,
                        const batch_gradient_fn<T> &g = {});

/// What the detector found: perturbing example `perturbed` changed the gradient of
/// `example` (both numbered from 0), with the verdict that says so.
struct coupling_finding {
  std::size_t example = 0, perturbed = 0;
  verdict judged;
};

/// Perturbs each example j by column j of `delta` and judges, for every i ≠ j, whether
/// ∇_θ L_i(batch) changed, on p's rung (exact: ==; high: the precision-scaling verdict at
/// `digits`). Returns the first change, in order of j then i, or nothing.
std::optional<coupling_finding> detect_coupling(const problem &p, const mat<exact> &delta,
                                                int digits = default_digits);

#define GRADLAWS_EXTERN_COUPLING(T)                                                           \
  extern template sides<T> coupling_probe<T>(const model &, const vec<T> &, const mat<T> &,   \
                                             const mat<T> &, Eigen::Index, Eigen::Index,      \
                                             const vec<T> &, const batch_gradient_fn<T> &);
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_EXTERN_COUPLING)
#undef GRADLAWS_EXTERN_COUPLING

} // namespace gradlaws
