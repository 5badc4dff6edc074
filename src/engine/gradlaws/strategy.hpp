#pragma once
// Strategies: the ways a training pipeline computes a batch gradient — one batched pass,
// isolated per-example passes, gradient accumulation over micro-batches, data-parallel
// replicas, token-normalised losses — simulated on one CPU and exact on the exact rung.
//
// A batch of N items (examples, or tokens) has a layout: consecutive groups (micro-batches,
// replica shards, sequences) and a mask of the items that count. A strategy turns a layout
// into a schedule of passes; each pass is one forward and backward pass over some items with
// a coefficient per item, and the strategy's gradient is the sum of the passes' gradients:
//
//   g = Σ_passes ∇_θ Σ_{i ∈ pass} c_i L_i        (L_i computed by that pass's forward)
//
// The schedule is the one formula of a strategy. The effective weight of item i is the sum
// of its coefficients; with no batch-coupled layer g = Σ_i w_i ∇L_i, so the weight vector
// ([1/4, 1/4, 1/2] against the correct [1/3, 1/3, 1/3]) is the plainest account of an
// averaging bug. Which items share a forward pass matters only to batch-coupled layers.
//
//   const gradlaws::strategy &s = gradlaws::find_strategy("accumulate_naive");
//   gradlaws::layout l{.groups = {1, 2}};
//   s.weights(l);                           // [1/2, 1/4, 1/4]
//   s.gradient<gradlaws::exact>(m, theta, x, y, l);

#include "gradlaws/backprop.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// How the N items of a batch are grouped and which of them count.
struct layout {
  /// Consecutive group sizes, summing to N: micro-batches, replica shards or sequences. A 0
  /// is a group without items (a replica that ran out of data).
  std::vector<std::size_t> groups;
  /// One flag per item: false for a masked example or an ignored (padding) token. Empty
  /// means every item counts.
  std::vector<bool> valid;

  /// One group of n items, all valid.
  static layout whole(std::size_t n);
  /// n items in groups of the given sizes, all valid.
  static layout split(std::vector<std::size_t> sizes);

  /// N = Σ groups.
  std::size_t size() const;
  /// True if item i counts.
  bool counts(std::size_t i) const;
  /// The number of items that count.
  std::size_t valid_count() const;
  /// The first item of group k.
  std::size_t begin(std::size_t k) const;
  /// The number of items of group k that count.
  std::size_t valid_in(std::size_t k) const;

  /// Throws dimension_error if the groups do not sum to n or the mask does not have n flags,
  /// empty_batch_error if n = 0, there are no groups, or every item is masked.
  void validate(std::size_t n) const;
  /// "(1, 2)", with the mask when there is one: "(2, 2) mask [1, 0 | 1, 1]".
  std::string describe() const;
};

/// One forward and backward pass: the items it sees, in batch order, and ∂(objective)/∂L_i
/// for each of them (0 for an item that rides along, such as padding).
struct pass {
  std::vector<std::size_t> items;
  std::vector<exact> coefficients;
  std::string label; ///< e.g. "micro-batch 2"
};
using schedule = std::vector<pass>;

/// What a strategy stands for.
enum class strategy_family {
  batch,        ///< groups ignored
  accumulation, ///< groups are micro-batches, run one after another
  replica,      ///< groups are data-parallel shards, one per rank; 0 = a rank with no data
  token         ///< items are tokens, groups are sequences
};
/// "batch", "accumulation", "data parallel" or "tokens".
std::string_view to_string(strategy_family f);
/// What a group is called in this family: "group", "micro-batch", "replica", "sequence".
std::string_view group_word(strategy_family f);

struct strategy_info {
  std::string name;        ///< registry key, e.g. "accumulate_naive"
  strategy_family family = strategy_family::batch;
  std::string description; ///< what the pipeline does, in a training engineer's words
  std::string formula;     ///< the gradient it computes, in the user's notation
  /// True when every valid item gets weight 1/N_valid on every layout (the full-batch
  /// gradient's weights); false for the buggy conventions and for the sum.
  bool correct_weights = false;
  /// True when masked items change neither a coefficient nor a divisor; false for a divisor
  /// that counts every item of a group (a configured, nominal batch size).
  bool ignores_masked = true;
};

/// A way of computing a batch gradient, given by its schedule.
class strategy {
public:
  strategy(strategy_info info, std::function<schedule(const layout &)> plan);

  const strategy_info &info() const { return info_; }
  const std::string &name() const { return info_.name; }

  /// The passes for a batch of n items laid out as l; throws as layout::validate does, and
  /// empty_batch_error when a group whose mean the strategy takes has no valid item.
  schedule plan(const layout &l, std::size_t n) const;
  /// w_i = Σ of item i's coefficients over the passes, exactly.
  std::vector<exact> weights(const layout &l) const;
  /// Σ over the passes of ∇_θ Σ c_i L_i, each pass a batch gradient by `g` (gradlaws's own
  /// gradient() when empty). T: a backward scalar.
  template <class T>
  vec<T> gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                  const layout &l, const batch_gradient_fn<T> &g = {}) const;

private:
  strategy_info info_;
  std::function<schedule(const layout &)> plan_;
};

/// Looks up a strategy; throws unknown_name_error listing the registered names.
const strategy &find_strategy(std::string_view name);
/// Every registered strategy, built-ins first.
std::vector<const strategy *> strategies();
/// Adds a strategy; throws gradlaws::error if the name is taken. Returns true (for a static
/// registration in any linked source file).
bool register_strategy(strategy_info info, std::function<schedule(const layout &)> plan);

/// The full-batch weights: 1/N_valid for every valid item, 0 for the rest.
std::vector<exact> correct_weights(const layout &l);
/// "[1/2, 1/4, 1/4]".
std::string weights_string(const std::vector<exact> &w);
/// The forward passes of a schedule as item numbers from 1: "{1}, {2, 3}".
std::string passes_string(const schedule &s);

/// Σ over the passes of ∇_θ Σ_{i ∈ pass} c_i L_i, each pass its own batch gradient by `g`
/// (gradlaws's own gradient() when empty); passes without items contribute 0. T: a backward
/// scalar.
template <class T>
vec<T> schedule_gradient(const schedule &s, const model &m, const vec<T> &theta, const mat<T> &x,
                         const mat<T> &y, const batch_gradient_fn<T> &g = {});

template <class T>
vec<T> strategy::gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                          const layout &l, const batch_gradient_fn<T> &g) const {
  return schedule_gradient<T>(plan(l, std::size_t(x.cols())), m, theta, x, y, g);
}

#define GRADLAWS_EXTERN_SCHEDULE(T)                                                           \
  extern template vec<T> schedule_gradient<T>(const schedule &, const model &, const vec<T> &, \
                                              const mat<T> &, const mat<T> &,                 \
                                              const batch_gradient_fn<T> &);
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_EXTERN_SCHEDULE)
#undef GRADLAWS_EXTERN_SCHEDULE

} // namespace gradlaws
