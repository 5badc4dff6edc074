#pragma once
// RapidCheck generators for gradlaws. Values are small dyadic fractions n/2^e (|n| ≤ 8,
// e ≤ 2) so that shrunk counterexamples are human-sized: shrinking moves towards 0, towards
// integers, towards fewer examples, fewer and narrower layers, and the first registry entry.

#include "gradlaws/norm_layers.hpp"
#include "gradlaws/problem.hpp"
#include "gradlaws/selection.hpp"

#include <rapidcheck.h>

#include <memory>

#include <optional>
#include <string>
#include <vector>

namespace gradlaws::gen {

/// n/2^e with |n| ≤ 8 and 0 ≤ e ≤ 2; shrinks to 0, then to the integers, 1 before -1.
rc::Gen<exact> dyadic();
/// The values a dyadic v shrinks to, simplest first: 0, its integer part, a coarser grid,
/// smaller integers, and -v for negative v. Each is strictly simpler in (2-adic exponent, |v|,
/// sign), so shrinking terminates.
std::vector<exact> simpler_values(const exact &v);
/// Like dyadic() but ≥ 0.
rc::Gen<exact> nonnegative_dyadic();
/// An integer in [lo, hi], shrinking towards lo.
rc::Gen<std::size_t> count(std::size_t lo, std::size_t hi);

/// What problems() draws. Empty names mean "any registry entry that runs on the rung and the
/// selection admits".
struct problem_options {
  rung on = rung::exact;
  std::string activation;  ///< used in every hidden layer
  std::string loss;
  selection<gradlaws::activation> activations; ///< drawn from when `activation` is empty
  selection<gradlaws::loss> losses;            ///< drawn from when `loss` is empty
  /// Draw losses with class-index targets too (their targets are labels, not values a law
  /// may average or move); they are drawn anyway when `losses` admits no other.
  bool class_targets = false;
  /// Class-index targets may be the loss's ignore label.
  bool ignored_targets = true;
  std::size_t min_hidden = 0, max_hidden = 2;
  std::size_t max_width = 3;
  std::size_t max_input = 2, max_output = 2;
  std::size_t min_output = 1; ///< 2 for class-index losses: one class has no gradient
  std::size_t min_batch = 1, max_batch = 4;
  /// A layer of this registered kind after every hidden affine layer, before its activation
  /// (none: plain MLPs).
  const layer_kind *layer = nullptr;
  /// When set, every problem uses this model (the one the code under test is written for):
  /// only θ and the batch are drawn. The other model options are then ignored.
  std::shared_ptr<const model> fixed;
};

/// A model (MLP) as the options describe.
rc::Gen<model> models(const problem_options &o);
/// A model with θ and a batch of examples, all small dyadics; θ is drawn as offsets from
/// initial_parameters (γ = 1 in normalisation layers), so it shrinks towards them.
rc::Gen<problem> problems(const problem_options &o);
/// A batch of n columns of the given height. Besides shrinking each value, it shrinks a row
/// by translation (subtracting its first entry), which keeps differences between examples.
rc::Gen<mat<exact>> columns(std::size_t rows, std::size_t n);
/// n inputs for model m: columns() of its input width, or token ids in 0..V-1 for a model
/// that takes them (model::vocabulary), shrinking towards id 0.
rc::Gen<mat<exact>> inputs(const model &m, std::size_t n);
/// n targets for the loss of model m: dense columns (as columns()); distributions, a one-hot
/// of class c mixed with the uniform by ε ∈ {0, 1/4, 1/2} (shrinking to the one-hot of
/// class 0); or class labels in 0..C-1, each ignored (the loss's ignore label) one time in four
/// (shrinking to class 0, then to smaller labels), at least one of them not ignored.
/// With `ignored` false, no target is the ignore label.
rc::Gen<mat<exact>> targets(const model &m, std::size_t n, bool ignored = true);
/// Simpler targets than column y for loss l and C outputs, simplest first (empty for dense
/// targets, which shrink value by value): smaller class labels, the ignore label to class 0,
/// a distribution to the one-hot of class 0.
std::vector<vec<exact>> simpler_targets(const loss &l, const vec<exact> &y, std::size_t outputs);
/// A split of n examples into consecutive micro-batch sizes (each ≥ 1, summing to n);
/// shrinks towards a single micro-batch.
rc::Gen<std::vector<std::size_t>> partition(std::size_t n);
/// n non-negative weights with a positive sum; shrinks towards equal weights of 1.
rc::Gen<std::vector<exact>> weights(std::size_t n);
/// A permutation of 0..n-1; shrinks towards the identity.
rc::Gen<std::vector<std::size_t>> permutation(std::size_t n);

} // namespace gradlaws::gen
