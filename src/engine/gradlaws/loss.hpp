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

#include "gradlaws/adjoint.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// What a reader (and a generator) needs to know about a loss besides its formulas.
struct loss_info {
  std::string name;          ///< registry key, e.g. "mse"
  std::string formula;       ///< L(ŷ, y), e.g. "Σ_j (y_j - ŷ_j)²"
  bool rational = false;     ///< rational operations only: runs on the exact rung
  bool affine_in_output = false; ///< ∂L/∂ŷ does not depend on ŷ (the linear loss)
  std::string kinks;         ///< gradient convention where L is not differentiable
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

/// How per-example losses L_1..L_N combine into the objective J = Σ c_i L_i.
struct reduction {
  enum class kind { mean, sum, weighted_mean, given };
  kind k = kind::mean;
  /// weighted_mean: w_i ≥ 0 with Σ w_i > 0; given: the coefficients c_i themselves.
  std::vector<exact> weights;

  static reduction mean() { return {kind::mean, {}}; }
  static reduction sum() { return {kind::sum, {}}; }
  static reduction weighted(std::vector<exact> w) { return {kind::weighted_mean, std::move(w)}; }
  /// J = Σ c_i L_i with the coefficients as given (one pass of a strategy's schedule).
  static reduction given(std::vector<exact> c) { return {kind::given, std::move(c)}; }

  /// The coefficients c_i of J = Σ c_i L_i for a batch of n examples: 1/n, 1, w_i/Σw, or c_i.
  /// Throws empty_batch_error for n = 0 or Σw = 0, dimension_error if weights.size() ≠ n,
  /// gradlaws::error for a negative weight.
  std::vector<exact> coefficients(std::size_t n) const;
  /// The same coefficients on rung T (e.g. double for code under test), each by from_exact.
  template <class T> vec<T> coefficients_on(std::size_t n) const {
    const std::vector<exact> c = coefficients(n);
    vec<T> out(Eigen::Index(c.size()));
    for (std::size_t i = 0; i < c.size(); ++i) out[Eigen::Index(i)] = from_exact<T>(c[i]);
    return out;
  }
  /// "mean", "sum", "weighted mean with w = [...]".
  std::string describe() const;
};

} // namespace gradlaws

#include "gradlaws/detail/loss_adapter.hpp"
