// Losses whose target is a class index (cross-entropy from logits, NLL over log-probabilities)
// and the BCE with a positive-class weight: the conventions of training code, as data.

#include "gradlaws/detail/builtin_losses.hpp"
#include "gradlaws/detail/class_losses.hpp"
#include "gradlaws/loss.hpp"

#include <functional>

namespace gradlaws {
namespace {

loss_info with_smoothing(loss_info info, const exact &eps) {
  info.label_smoothing = eps;
  return info;
}

/// Class-index cross-entropy (from logits, or NLL from log-probabilities when `log_probs`):
/// L = (1-ε)·w_c·ℓ_c + (ε/C)·Σ_j w_j·ℓ_j with ℓ_j = -log p_j (logits) or -ŷ_j (log-probs), and
/// 0 for an ignored target.
class class_index_loss final : public loss {
public:
  class_index_loss(loss_info info, long ignore, exact smoothing,
                   std::function<exact(long, std::size_t)> weight, bool log_probs)
      : loss(with_smoothing(std::move(info), smoothing)), ignore_(ignore), eps_(std::move(smoothing)),
        weight_(std::move(weight)), log_probs_(log_probs) {}

  exact class_weight(long c, std::size_t classes) const override { return weight_(c, classes); }
  std::optional<long> ignore_label() const override { return ignore_; }

#define GRADLAWS_DEFINE_VALUE(T)                                                              \
  T value(const vec<T> &yhat, const vec<T> &y) const override { return value_on(yhat, y); }
#define GRADLAWS_DEFINE_GRAD(T)                                                               \
  vec<T> gradient(const vec<T> &yhat, const vec<T> &y) const override {                       \
    return gradient_on(yhat, y);                                                              \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DEFINE_VALUE)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_GRAD)
#undef GRADLAWS_DEFINE_VALUE
#undef GRADLAWS_DEFINE_GRAD

private:
  /// The classes C: ŷ's size over the positions.
  template <class T> Eigen::Index block(const vec<T> &yhat, const vec<T> &y) const {
    const auto p = Eigen::Index(info().positions);
    if (y.size() != p || yhat.size() == 0 || yhat.size() % p != 0)
      throw dimension_error("loss " + name() + ": the target is one class label per position (" +
                            std::to_string(p) + "; got " + std::to_string(y.size()) +
                            " entries) and ŷ has one block of logits per position (got " +
                            std::to_string(yhat.size()) + " outputs)");
    return yhat.size() / p;
  }
  /// The class of position t's label for C classes, or nothing when it is ignored.
  template <class T> std::optional<long> class_of(const vec<T> &y, Eigen::Index t, Eigen::Index classes) const {
    const std::optional<long> c = label_of(y[t]);
    if (c && *c == ignore_) return std::nullopt;
    if (!c || *c < 0 || *c >= long(classes))
      throw dimension_error("loss " + name() + ": the target is not a class label in 0.." +
                            std::to_string(classes - 1) + " or the ignore label " +
                            std::to_string(ignore_));
    return c;
  }
  template <class T> T w(long c, Eigen::Index classes) const {
    return from_exact<T>(weight_(c, std::size_t(classes)));
  }
  /// ℓ_j for every class: -log softmax(ŷ)_j, or -ŷ_j for log-probabilities.
  template <class T> vec<T> per_class(const vec<T> &yhat) const {
    if constexpr (is_exact_v<T>) {
      if (!log_probs_) detail::throw_unsupported<T>(name());
      return vec<T>(-yhat);
    } else {
      if (log_probs_) return vec<T>(-yhat);
      const T lse = builtin::softmax_ce::log_sum_exp(yhat);
      vec<T> l(yhat.size());
      for (Eigen::Index j = 0; j < yhat.size(); ++j) l[j] = lse - yhat[j];
      return l;
    }
  }
  /// ∂ℓ_j/∂ŷ summed with coefficients a_j: for logits Σ_j a_j (p - e_j), for log-probs -a.
  template <class T> vec<T> back(const vec<T> &yhat, const vec<T> &a) const {
    if constexpr (is_exact_v<T>) {
      if (!log_probs_) detail::throw_unsupported<T>(name());
      return vec<T>(-a);
    } else {
      if (log_probs_) return vec<T>(-a);
      using std::exp;
      const T lse = builtin::softmax_ce::log_sum_exp(yhat);
      T total(0);
      for (Eigen::Index j = 0; j < a.size(); ++j) total += a[j];
      vec<T> g(yhat.size());
      for (Eigen::Index j = 0; j < yhat.size(); ++j) g[j] = total * exp(yhat[j] - lse) - a[j];
      return g;
    }
  }
  /// The coefficients a_j of L = Σ_j a_j ℓ_j for class c.
  template <class T> vec<T> mixture(long c, Eigen::Index classes) const {
    vec<T> a = vec<T>::Constant(classes, T(0));
    a[c] = from_exact<T>(1 - eps_) * w<T>(c, classes);
    if (eps_ != 0) {
      const T share = from_exact<T>(eps_ / exact(static_cast<long>(classes)));
      for (Eigen::Index j = 0; j < classes; ++j) a[j] += share * w<T>(long(j), classes);
    }
    return a;
  }
  template <class T> T value_on(const vec<T> &yhat, const vec<T> &y) const {
    const Eigen::Index classes = block(yhat, y);
    T s(0);
    for (Eigen::Index t = 0; t < y.size(); ++t) {
      const auto c = class_of(y, t, classes);
      if (!c) continue;
      const vec<T> a = mixture<T>(*c, classes), l = per_class(vec<T>(yhat.segment(t * classes, classes)));
      for (Eigen::Index j = 0; j < a.size(); ++j)
        if (!(a[j] == T(0))) s += a[j] * l[j];
    }
    return s;
  }
  template <class T> vec<T> gradient_on(const vec<T> &yhat, const vec<T> &y) const {
    const Eigen::Index classes = block(yhat, y);
    vec<T> g = vec<T>::Constant(yhat.size(), T(0));
    for (Eigen::Index t = 0; t < y.size(); ++t)
      if (const auto c = class_of(y, t, classes))
        g.segment(t * classes, classes) =
            back(vec<T>(yhat.segment(t * classes, classes)), mixture<T>(*c, classes));
    return g;
  }

  long ignore_;
  exact eps_;
  std::function<exact(long, std::size_t)> weight_;
  bool log_probs_;
};

std::function<exact(long, std::size_t)> weights_of(std::vector<exact> w, const std::string &name) {
  if (w.empty()) return [](long, std::size_t) { return exact(1); };
  for (std::size_t c = 0; c < w.size(); ++c)
    if (w[c] <= 0)
      throw error("loss " + name + ": class weight w_" + std::to_string(c) + " = " +
                  to_string(w[c]) + "; class weights must be > 0");
  return [w = std::move(w), name](long c, std::size_t classes) {
    if (classes != w.size())
      throw dimension_error("loss " + name + ": " + std::to_string(w.size()) +
                            " class weights for a model with " + std::to_string(classes) +
                            " classes (outputs)");
    return w[std::size_t(c)];
  };
}

std::string smoothing_words(const exact &eps) {
  return eps == 0 ? "" : ", label smoothing ε = " + to_string(eps);
}

loss_info class_info(std::string name, std::string formula, bool rational, std::string framework) {
  loss_info i{std::move(name), std::move(formula), rational, false, "none"};
  i.target = target_kind::class_index;
  i.counts = mean_count::targets;
  i.framework = std::move(framework);
  return i;
}

/// BCE with logits and a positive-class weight p: Σ_j p·y_j·softplus(-ŷ_j) + (1-y_j)·softplus(ŷ_j).
struct bce_logits_pos_weight {
  static constexpr bool rational = false;
  static constexpr int p = 2;
  template <class T> static T value(const vec<T> &yhat, const vec<T> &y) {
    T s(0);
    for (Eigen::Index j = 0; j < y.size(); ++j)
      s += T(p) * y[j] * builtin::softplus::f(T(-yhat[j])) + (T(1) - y[j]) * builtin::softplus::f(yhat[j]);
    return s;
  }
  template <class T> static vec<T> gradient(const vec<T> &yhat, const vec<T> &y) {
    vec<T> g(y.size());
    for (Eigen::Index j = 0; j < y.size(); ++j)
      g[j] = builtin::sigmoid::f(yhat[j]) * (T(p) * y[j] + T(1) - y[j]) - T(p) * y[j];
    return g;
  }
};

} // namespace

std::shared_ptr<const loss> make_cross_entropy(cross_entropy_options o) {
  if (o.label_smoothing < 0 || o.label_smoothing > 1)
    throw error("loss " + o.name + ": label smoothing ε = " + to_string(o.label_smoothing) +
                " is outside [0, 1]");
  if (o.positions == 0) throw error("loss " + o.name + ": positions = 0; an example has at least one");
  const bool weighted = !o.class_weights.empty();
  std::string formula = "-log softmax(ŷ)_c";
  if (weighted) formula = "w_c·(" + formula + ")";
  if (o.label_smoothing != 0)
    formula = "(1-ε)·" + formula + " + (ε/C)·Σ_j " + (weighted ? "w_j·" : "") + "(-log softmax(ŷ)_j)";
  formula += "; 0 if c = " + std::to_string(o.ignore_index);
  if (o.positions > 1)
    formula = "Σ_t over " + std::to_string(o.positions) + " positions of [" + formula + "]";
  loss_info info = class_info(o.name, formula, false,
                              "torch.nn.functional.cross_entropy(ignore_index=" +
                                  std::to_string(o.ignore_index) + smoothing_words(o.label_smoothing) +
                                  (weighted ? ", weight" : "") + ")" +
                                  (o.positions > 1 ? " over the N·P tokens" : ""));
  info.positions = o.positions;
  auto w = weights_of(std::move(o.class_weights), o.name);
  return std::make_shared<class_index_loss>(std::move(info), o.ignore_index,
                                            std::move(o.label_smoothing), std::move(w), false);
}

namespace detail {
void add_class_losses(const std::function<void(std::unique_ptr<const loss>)> &add) {
  auto ce = [](std::string name, std::string formula, exact eps,
               std::function<exact(long, std::size_t)> w, std::string framework) {
    return std::make_unique<class_index_loss>(
        class_info(std::move(name), std::move(formula), false, std::move(framework)), -100,
        std::move(eps), std::move(w), false);
  };
  const auto one = [](long, std::size_t) { return exact(1); };
  const auto by_index = [](long c, std::size_t) { return exact(c + 1); };
  add(ce("cross_entropy", "-log softmax(ŷ)_c; 0 if c = -100", 0, one,
         "torch.nn.functional.cross_entropy(ignore_index=-100)"));
  add(ce("cross_entropy_smoothed",
         "(9/10)·(-log softmax(ŷ)_c) + (1/10C)·Σ_j -log softmax(ŷ)_j; 0 if c = -100",
         exact(1, 10), one, "torch.nn.functional.cross_entropy(label_smoothing=0.1)"));
  add(ce("cross_entropy_weighted", "w_c·(-log softmax(ŷ)_c), w_c = c + 1; 0 if c = -100", 0,
         by_index, "torch.nn.functional.cross_entropy(weight=[1, 2, …, C])"));
  add(std::make_unique<class_index_loss>(
      class_info("nll", "-ŷ_c (ŷ: log-probabilities); 0 if c = -100", true,
                 "torch.nn.functional.nll_loss(ignore_index=-100)"),
      -100, exact(0), one, true));
  add(std::make_unique<class_index_loss>(
      class_info("nll_weighted", "-w_c·ŷ_c, w_c = c + 1 (ŷ: log-probabilities); 0 if c = -100",
                 true, "torch.nn.functional.nll_loss(weight=[1, 2, …, C])"),
      -100, exact(0), by_index, true));
  loss_info bce{"bce_logits_pos_weight", "Σ_j 2·y_j·log(1+e^-ŷ_j) + (1-y_j)·log(1+e^ŷ_j)", false,
                false, "none"};
  bce.counts = mean_count::elements;
  bce.framework = "torch.nn.functional.binary_cross_entropy_with_logits(pos_weight=2)";
  bce.pos_weight = exact(bce_logits_pos_weight::p);
  add(std::make_unique<loss_adapter<bce_logits_pos_weight>>(std::move(bce)));
}
} // namespace detail

} // namespace gradlaws
