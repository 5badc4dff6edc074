#pragma once
// The loss registry. A per-example loss L(ŷ, y) compares a model output ŷ with a target y and
// is written once as a struct with two function templates (value and gradient with respect
// to ŷ). Reductions (mean, sum, weighted mean) combine per-example losses into J.
//
//   struct my_l2 {
//     static constexpr bool rational = true;
//     template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
//       return (yhat - y).squaredNorm();
//     }
//     template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
//       return T(2) * (yhat - y);
//     }
//   };
//   gradlaws::register_loss<my_l2>({.name = "my_l2", .formula = "‖ŷ - y‖²"});
//
// Conventions are data. A loss says what its target is (a dense vector, a distribution, or a
// class index with an ignore label) and what its framework's "mean" divides Σ L_i by (the
// examples, the N·d output elements, or the class weights of the targets that are not
// ignored). gradlaws's own reduction::mean() always divides by the N examples; the loss's
// own mean is reduction::framework_mean().

#include "gradlaws/adjoint.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// What a loss compares the model's output with.
enum class target_kind {
  dense,        ///< one real target per output (regression)
  distribution, ///< one probability per output: entries ≥ 0 summing to 1 (soft labels)
  class_index   ///< one integer per position: a class in 0..C-1 or the loss's ignore label
};
/// What a loss's own mean (a framework's reduction='mean') divides Σ_i L_i by.
enum class mean_count {
  examples, ///< N, one per example
  elements, ///< N·d, one per output entry (PyTorch's mse_loss, l1_loss, huber_loss, BCE)
  targets   ///< Σ_i w_{y_i} over the targets not ignored (PyTorch's cross_entropy, nll_loss)
};
/// "dense", "distribution", "class index".
std::string_view to_string(target_kind k);
/// "N examples", "N·d elements", "Σ w of the targets' classes (ignored ones excluded)".
std::string_view to_string(mean_count c);

/// What a reader (and a generator) needs to know about a loss besides its formulas.
struct loss_info {
  std::string name;          ///< registry key, e.g. "mse"
  std::string formula;       ///< L(ŷ, y), e.g. "Σ_j (y_j - ŷ_j)²"
  bool rational = false;     ///< rational operations only: runs on the exact rung
  bool affine_in_output = false; ///< ∂L/∂ŷ does not depend on ŷ (the linear loss)
  std::string kinks;         ///< gradient convention where L is not differentiable
  target_kind target = target_kind::dense;
  mean_count counts = mean_count::examples; ///< what framework_mean() divides by
  /// The framework call whose reduction='mean' the loss under framework_mean() computes
  /// ("torch.nn.functional.mse_loss"), or "" when it is gradlaws's own.
  std::string framework;
  /// Label smoothing ε of a class-index cross-entropy (PyTorch's label_smoothing): 0 for none.
  exact label_smoothing = 0;
  /// Weight p of the positive class of a BCE with logits (PyTorch's pos_weight): 1 for none.
  exact pos_weight = 1;
  /// Class-index losses: the positions (tokens) of one example. ŷ holds one block of C logits
  /// per position (P·C outputs), y one label per position, and L sums over the positions: a
  /// language model's loss over a sequence. 1: one label per example.
  std::size_t positions = 1;
};

class loss;
/// One part of a loss that is a weighted sum of losses: weight · part.
struct loss_term {
  exact weight;
  const loss *part = nullptr;
};

/// A per-example loss L(ŷ, y) and its gradient ∂L/∂ŷ. Output and target have equal length.
class loss {
public:
  explicit loss(loss_info info) : info_(std::move(info)) {}
  virtual ~loss() = default;

  const loss_info &info() const { return info_; }
  const std::string &name() const { return info_.name; }
  bool supports(rung r) const { return r != rung::exact || info_.rational; }
  /// The loss as Σ_k w_k · part_k: one term {1, this} for a registered loss; a combination
  /// (combine()) gives its parts, flattened, so code under test never parses a display name.
  virtual std::vector<loss_term> terms() const { return {{exact(1), this}}; }

  /// The weight w_c of class c of `classes` (1 unless the loss has class weights).
  virtual exact class_weight(long c, std::size_t classes) const;
  /// The label of a target the loss ignores (class-index losses that have one).
  virtual std::optional<long> ignore_label() const { return std::nullopt; }
  /// Rows of a target column for a model with `outputs` outputs: one label per position for a
  /// class index.
  std::size_t target_rows(std::size_t outputs) const {
    return info_.target == target_kind::class_index ? info_.positions : outputs;
  }
  /// The classes C of a class-index loss on `outputs` outputs (outputs / positions); `outputs`
  /// for the others. Throws dimension_error when the positions do not divide the outputs.
  std::size_t classes(std::size_t outputs) const;
  /// Why y is not a target of this loss for a model with `outputs` outputs ("" if it is): a
  /// class label that is not an integer in 0..C-1 or the ignore label, a distribution whose
  /// entries are negative or do not sum to 1.
  std::string target_problem(const vec<exact> &y, std::size_t outputs) const;
  /// True for a class-index target whose every position holds the ignore label.
  bool ignores(const vec<exact> &y) const;
  /// The example's share of the divisor of the loss's own mean: 1, `outputs`, or Σ_t w_{y_t}
  /// over its positions (0 for an ignored one). T: any scalar; a class label is read exactly.
  template <class T> exact count_of(const vec<T> &y, std::size_t outputs) const;
  /// A target as a person reads it: "class 2", "ignored (-100)", "[1/2, 3]".
  std::string describe_target(const vec<exact> &y) const;
  /// The convention in words: target, what L sums, what its own mean divides by.
  std::string convention() const;

#define GRADLAWS_DECLARE_VALUE(T) virtual T value(const vec<T> &yhat, const vec<T> &y) const = 0;
#define GRADLAWS_DECLARE_GRAD(T)                                                              \
  virtual vec<T> gradient(const vec<T> &yhat, const vec<T> &y) const = 0;
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DECLARE_VALUE)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DECLARE_GRAD)
#undef GRADLAWS_DECLARE_VALUE
#undef GRADLAWS_DECLARE_GRAD

private:
  loss_info info_;
};

/// Looks up a loss; throws unknown_name_error listing the registered names.
const loss &find_loss(std::string_view name);
/// Every registered loss, in registration order.
std::vector<const loss *> losses();
/// Every registered loss that runs on rung r.
std::vector<const loss *> losses_on(rung r);
/// Adds a loss; throws gradlaws::error if the name is taken. Returns true (for a static
/// registration in any linked source file).
bool register_loss(std::unique_ptr<const loss> l);
/// Adds a loss written as a struct with static templates value and gradient (see above).
template <class Impl> bool register_loss(loss_info info);

/// The loss αA + βB: value αA(ŷ, y) + βB(ŷ, y), gradient α∇A + β∇B.
std::shared_ptr<const loss> combine(const exact &alpha, const loss &a, const exact &beta,
                                    const loss &b);

/// The integer a scalar holds exactly (class labels), or nothing if it holds another value.
template <class T> std::optional<long> label_of(const T &v);

/// How per-example losses L_1..L_N combine into the objective J = Σ c_i L_i.
struct reduction {
  /// framework_mean: c_i = 1 / Σ_j count_j, the loss's own mean (loss::count_of).
  enum class kind { mean, sum, weighted_mean, given, framework_mean };
  kind k = kind::mean;
  /// weighted_mean: w_i ≥ 0 with Σ w_i > 0; given: the coefficients c_i themselves.
  std::vector<exact> weights;

  static reduction mean() { return {kind::mean, {}}; }
  static reduction sum() { return {kind::sum, {}}; }
  static reduction weighted(std::vector<exact> w) { return {kind::weighted_mean, std::move(w)}; }
  /// J = Σ c_i L_i with the coefficients as given (one pass of a strategy's schedule).
  static reduction given(std::vector<exact> c) { return {kind::given, std::move(c)}; }
  /// J = Σ L_i / Σ count_i: what the loss's framework means by "mean" (PyTorch's
  /// reduction='mean'): ÷ N·d elements for mse, ÷ Σ w_{y_i} of non-ignored targets for
  /// cross_entropy.
  static reduction framework_mean() { return {kind::framework_mean, {}}; }

  /// The coefficients c_i of J = Σ c_i L_i for a batch of n examples: 1/n, 1, w_i/Σw, or c_i.
  /// Throws empty_batch_error for n = 0 or Σw = 0, dimension_error if weights.size() ≠ n,
  /// gradlaws::error for a negative weight, and gradlaws::error for framework_mean (its
  /// coefficients depend on the loss and the targets: coefficients_for).
  std::vector<exact> coefficients(std::size_t n) const;
  /// The coefficients for the targets Y (one column per example) of a model with `outputs`
  /// outputs under loss l; for framework_mean throws empty_batch_error when every target is
  /// ignored (Σ count = 0: PyTorch returns NaN there).
  template <class T>
  std::vector<exact> coefficients_for(const loss &l, const mat<T> &y, std::size_t outputs) const;
  /// The same coefficients on rung T (e.g. double for code under test), each by from_exact.
  template <class T> vec<T> coefficients_on(std::size_t n) const {
    const std::vector<exact> c = coefficients(n);
    vec<T> out(Eigen::Index(c.size()));
    for (std::size_t i = 0; i < c.size(); ++i) out[Eigen::Index(i)] = from_exact<T>(c[i]);
    return out;
  }
  /// "mean", "sum", "weighted mean with w = [...]", "the loss's own mean".
  std::string describe() const;
};

/// Class-index cross-entropy from logits, as PyTorch's cross_entropy: L = (1-ε)·w_c·(-log p_c)
/// + (ε/C)·Σ_j w_j·(-log p_j), p = softmax(ŷ); 0 for an ignored target; its own mean divides
/// by Σ w_{y_i} over the targets not ignored.
struct cross_entropy_options {
  std::string name = "cross_entropy";
  long ignore_index = -100;
  exact label_smoothing = 0;        ///< ε ∈ [0, 1]
  std::vector<exact> class_weights; ///< one w_c > 0 per class; empty: every class weighs 1
  /// Tokens per example (a language model's sequence): L = Σ_t of the per-token loss over
  /// ŷ's P blocks of C logits, and the loss's own mean divides by the tokens not ignored.
  std::size_t positions = 1;
};
/// Throws gradlaws::error for ε outside [0, 1], a weight ≤ 0 or no positions, naming it.
std::shared_ptr<const loss> make_cross_entropy(cross_entropy_options o);

// ---------------------------------------------------------------------------------------------
// Definitions

template <class T> std::optional<long> label_of(const T &v) {
  constexpr double limit = 1e9; // a label is a small integer; anything else is not one
  auto whole = [](double d) -> std::optional<long> {
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > limit) return std::nullopt;
    return long(d);
  };
  if constexpr (std::is_same_v<T, exact>) {
    if (denominator(v) != 1 || abs(numerator(v)) > long(limit)) return std::nullopt;
    return numerator(v).template convert_to<long>();
  } else if constexpr (std::is_floating_point_v<T>) {
    return whole(double(v));
  } else if constexpr (std::is_same_v<T, high>) {
    const double d = v.template convert_to<double>();
    return v == d ? whole(d) : std::nullopt;
  } else if constexpr (std::is_same_v<T, interval>) {
    const double d = lower(v).template convert_to<double>();
    return lower(v) == d && upper(v) == d ? whole(d) : std::nullopt;
  } else if constexpr (scalar_traits<T>::is_ad) {
    return label_of(v.v);
  } else {
    return v.e == 0 ? whole(double(v.v)) : std::nullopt; // rounded<F>
  }
}

template <class T> exact loss::count_of(const vec<T> &y, std::size_t outputs) const {
  switch (info_.counts) {
  case mean_count::examples: return exact(1);
  case mean_count::elements: return exact(static_cast<long>(outputs));
  case mean_count::targets: break;
  }
  if (std::size_t(y.size()) != info_.positions)
    throw dimension_error("loss " + name() + ": a target has one class label per position (" +
                          std::to_string(info_.positions) + "), not " + std::to_string(y.size()));
  exact total(0);
  for (Eigen::Index t = 0; t < y.size(); ++t) {
    const std::optional<long> c = label_of(y[t]);
    if (!c) throw dimension_error("loss " + name() + ": a target must be integer class labels");
    if (const auto ignored = ignore_label(); ignored && *c == *ignored) continue;
    total += class_weight(*c, classes(outputs));
  }
  return total;
}

template <class T>
std::vector<exact> reduction::coefficients_for(const loss &l, const mat<T> &y,
                                               std::size_t outputs) const {
  const auto n = std::size_t(y.cols());
  if (k != kind::framework_mean) return coefficients(n);
  if (n == 0) throw empty_batch_error("empty batch: a reduction needs at least one example");
  exact total(0);
  for (Eigen::Index i = 0; i < y.cols(); ++i) total += l.count_of(vec<T>(y.col(i)), outputs);
  if (total == 0)
    throw empty_batch_error("the loss's own mean (" + l.name() + ", ÷ " +
                            std::string(to_string(l.info().counts)) +
                            "): every target is ignored, so there is nothing to divide by "
                            "(PyTorch returns NaN here)");
  return std::vector<exact>(n, exact(1) / total);
}

} // namespace gradlaws

#include "gradlaws/detail/loss_adapter.hpp"
