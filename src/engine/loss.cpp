#include "gradlaws/loss.hpp"

#include "gradlaws/detail/builtin_losses.hpp"
#include "gradlaws/detail/class_losses.hpp"
#include "gradlaws/detail/registry.hpp"

namespace gradlaws {

namespace detail {
void require_same_shape(const std::string &loss_name, Eigen::Index yhat, Eigen::Index y) {
  if (yhat != y || yhat == 0)
    throw dimension_error("loss " + loss_name + ": ŷ has " + std::to_string(yhat) +
                          " entries and y has " + std::to_string(y) +
                          "; they must have the same, positive length");
}
} // namespace detail

namespace {

detail::registry<loss> &loss_table() {
  static detail::registry<loss> r = [] {
    detail::registry<loss> t("loss");
    auto add = [&t]<class Impl>(loss_info info) {
      info.rational = Impl::rational;
      t.add(std::make_unique<detail::loss_adapter<Impl>>(std::move(info)));
    };
    using namespace builtin;
    auto conv = [](loss_info i, mean_count c, std::string framework,
                   target_kind k = target_kind::dense) {
      i.counts = c;
      i.framework = std::move(framework);
      i.target = k;
      return i;
    };
    using mc = mean_count;
    add.operator()<mse>(conv({"mse", "Σ_j (y_j - ŷ_j)²", true, false, "none"}, mc::elements,
                             "torch.nn.functional.mse_loss"));
    add.operator()<linear>({"linear", "Σ_j (y_j - ŷ_j)", true, true, "none"});
    add.operator()<absolute>(conv({"absolute", "Σ_j |y_j - ŷ_j|", true, false,
                                   "∂L/∂ŷ_j = 0 where ŷ_j = y_j"},
                                  mc::elements, "torch.nn.functional.l1_loss"));
    add.operator()<huber>(conv({"huber", "Σ_j r_j²/2 if |r_j| ≤ 1 else |r_j| - 1/2, r = ŷ - y",
                                true, false, "none (C¹)"},
                               mc::elements, "torch.nn.functional.huber_loss(delta=1)"));
    add.operator()<bce_logits>(conv({"bce_logits", "Σ_j log(1+e^ŷ_j) - y_j ŷ_j", false, false,
                                     "none"},
                                    mc::elements,
                                    "torch.nn.functional.binary_cross_entropy_with_logits"));
    add.operator()<softmax_ce>(conv({"softmax_ce", "-Σ_j y_j log softmax(ŷ)_j", false, false,
                                     "none"},
                                    mc::examples,
                                    "torch.nn.functional.cross_entropy with probability targets",
                                    target_kind::distribution));
    add.operator()<mse_output_mean>(conv({"mse_output_mean", "(1/d) Σ_j (y_j - ŷ_j)²", true,
                                          false, "none"},
                                         mc::examples,
                                         "keras.losses.MeanSquaredError (mean over the outputs, "
                                         "then over the batch)"));
    gradlaws::detail::add_class_losses([&t](std::unique_ptr<const loss> l) { t.add(std::move(l)); });
    return t;
  }();
  return r;
}

} // namespace

namespace {
class combination final : public loss {
public:
  combination(const exact &alpha, const loss &a, const exact &beta, const loss &b)
      : loss({to_string(alpha) + "·" + a.name() + " + " + to_string(beta) + "·" + b.name(),
              to_string(alpha) + "·(" + a.info().formula + ") + " + to_string(beta) + "·(" +
                  b.info().formula + ")",
              a.info().rational && b.info().rational,
              a.info().affine_in_output && b.info().affine_in_output, "", a.info().target,
              a.info().counts == b.info().counts ? a.info().counts : mean_count::examples, ""}),
        alpha_(alpha), beta_(beta), a_(&a), b_(&b) {}

#define GRADLAWS_DEFINE_VALUE(T)                                                              \
  T value(const vec<T> &yhat, const vec<T> &y) const override {                               \
    return from_exact<T>(alpha_) * a_->value(yhat, y) + from_exact<T>(beta_) * b_->value(yhat, y); \
  }
#define GRADLAWS_DEFINE_GRAD(T)                                                               \
  vec<T> gradient(const vec<T> &yhat, const vec<T> &y) const override {                       \
    return vec<T>(from_exact<T>(alpha_) * a_->gradient(yhat, y) +                             \
                  from_exact<T>(beta_) * b_->gradient(yhat, y));                              \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DEFINE_VALUE)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_GRAD)
#undef GRADLAWS_DEFINE_VALUE
#undef GRADLAWS_DEFINE_GRAD

  exact class_weight(long c, std::size_t classes) const override {
    return a_->class_weight(c, classes);
  }
  std::optional<long> ignore_label() const override { return a_->ignore_label(); }

  std::vector<loss_term> terms() const override {
    std::vector<loss_term> out;
    for (const auto &[weight, part] : {std::pair{alpha_, a_}, std::pair{beta_, b_}})
      for (loss_term t : part->terms()) {
        t.weight *= weight;
        out.push_back(std::move(t));
      }
    return out;
  }

private:
  exact alpha_, beta_;
  const loss *a_, *b_;
};
} // namespace

std::shared_ptr<const loss> combine(const exact &alpha, const loss &a, const exact &beta,
                                    const loss &b) {
  if (a.info().target != b.info().target || a.ignore_label() != b.ignore_label())
    throw error("combine: " + a.name() + " and " + b.name() +
                " take different targets (" + std::string(to_string(a.info().target)) + ", " +
                std::string(to_string(b.info().target)) + "); a weighted sum needs the same");
  return std::make_shared<combination>(alpha, a, beta, b);
}

std::string_view to_string(target_kind k) {
  switch (k) {
  case target_kind::dense: return "dense";
  case target_kind::distribution: return "distribution";
  case target_kind::class_index: return "class index";
  }
  return "?";
}

std::string_view to_string(mean_count c) {
  switch (c) {
  case mean_count::examples: return "N examples";
  case mean_count::elements: return "N·d elements";
  case mean_count::targets: return "Σ w of the targets' classes, ignored targets excluded";
  }
  return "?";
}

exact loss::class_weight(long, std::size_t) const { return exact(1); }

std::size_t loss::classes(std::size_t outputs) const {
  if (info_.target != target_kind::class_index) return outputs;
  if (info_.positions == 0 || outputs % info_.positions != 0 || outputs == 0)
    throw dimension_error("loss " + name() + ": " + std::to_string(info_.positions) +
                          " positions do not divide the model's " + std::to_string(outputs) +
                          " outputs into blocks of logits");
  return outputs / info_.positions;
}

bool loss::ignores(const vec<exact> &y) const {
  const auto ignored = ignore_label();
  if (!ignored || info_.target != target_kind::class_index || y.size() == 0 ||
      std::size_t(y.size()) != info_.positions)
    return false;
  for (Eigen::Index t = 0; t < y.size(); ++t)
    if (label_of(y[t]) != ignored) return false;
  return true;
}

std::string loss::target_problem(const vec<exact> &y, std::size_t outputs) const {
  const std::size_t rows = target_rows(outputs);
  if (std::size_t(y.size()) != rows)
    return "it has " + std::to_string(y.size()) + " entries; " + name() + " takes " +
           std::to_string(rows);
  switch (info_.target) {
  case target_kind::dense: return "";
  case target_kind::distribution: {
    exact total(0);
    for (Eigen::Index j = 0; j < y.size(); ++j) {
      if (y[j] < 0) return "entry " + std::to_string(j) + " is negative (" + to_string(y[j]) + ")";
      total += y[j];
    }
    return total == 1 ? "" : "its entries sum to " + to_string(total) + ", not 1";
  }
  case target_kind::class_index: {
    if (outputs % info_.positions != 0)
      return std::to_string(info_.positions) + " positions do not divide " +
             std::to_string(outputs) + " outputs";
    const std::size_t c_max = classes(outputs);
    for (Eigen::Index t = 0; t < y.size(); ++t) {
      const auto c = label_of(y[t]);
      if ((c && c == ignore_label()) || (c && *c >= 0 && std::size_t(*c) < c_max)) continue;
      return (rows > 1 ? "position " + std::to_string(t) + ": " : std::string()) +
             to_string(y[t]) + " is not a class in 0.." + std::to_string(c_max - 1) +
             (ignore_label() ? " or the ignore label " + std::to_string(*ignore_label()) : "");
    }
    return "";
  }
  }
  return "";
}

std::string loss::describe_target(const vec<exact> &y) const {
  if (info_.target != target_kind::class_index || std::size_t(y.size()) != info_.positions)
    return to_string(y);
  const auto one = [&](const exact &v) {
    const auto c = label_of(v);
    if (c && c == ignore_label()) return info_.positions == 1 ? "ignored (" + to_string(v) + ")"
                                                             : std::string("ignored");
    return (info_.positions == 1 ? "class " : "") + to_string(v);
  };
  if (info_.positions == 1) return one(y[0]);
  std::string s = "classes [";
  for (Eigen::Index t = 0; t < y.size(); ++t) s += (t ? ", " : "") + one(y[t]);
  return s + "]";
}

std::string loss::convention() const {
  const bool labels = info_.target == target_kind::class_index;
  std::string s = std::string(to_string(info_.target)) + " target; L " +
                  (labels ? (info_.positions > 1
                                 ? "sums the target class's term over the " +
                                       std::to_string(info_.positions) +
                                       " positions (0 for an ignored one)"
                                 : std::string("is the target class's term (0 for an ignored "
                                               "target)"))
                          : std::string("sums over its outputs")) +
                  "; gradlaws's J averages over the examples (÷ N" +
                  (labels ? ", ignored ones counted)" : ")") + "; the loss's own mean ÷ " +
                  std::string(to_string(info_.counts));
  if (!info_.framework.empty()) s += ", as " + info_.framework + " with reduction='mean'";
  if (info_.counts == mean_count::elements) s += ": 1/d × gradlaws's gradient";
  return s;
}

const loss &find_loss(std::string_view name) { return loss_table().find(name); }
std::vector<const loss *> losses() { return loss_table().all(); }
std::vector<const loss *> losses_on(rung r) {
  std::vector<const loss *> out;
  for (const auto *l : losses())
    if (l->supports(r)) out.push_back(l);
  return out;
}
bool register_loss(std::unique_ptr<const loss> l) {
  loss_table().add(std::move(l));
  return true;
}

std::vector<exact> reduction::coefficients(std::size_t n) const {
  if (n == 0) throw empty_batch_error("empty batch: a reduction needs at least one example");
  switch (k) {
  case kind::mean: return std::vector<exact>(n, exact(1) / exact(static_cast<long>(n)));
  case kind::sum: return std::vector<exact>(n, exact(1));
  case kind::weighted_mean: {
    if (weights.size() != n)
      throw dimension_error("weighted mean: " + std::to_string(weights.size()) +
                            " weights for a batch of " + std::to_string(n) + " examples");
    exact total(0);
    for (std::size_t i = 0; i < n; ++i) {
      if (weights[i] < 0)
        throw error("weighted mean: weight " + std::to_string(i) + " is negative (" +
                    to_string(weights[i]) + "); weights must be ≥ 0");
      total += weights[i];
    }
    if (total == 0)
      throw empty_batch_error("weighted mean: the weights sum to zero, so no example counts");
    std::vector<exact> c(n);
    for (std::size_t i = 0; i < n; ++i) c[i] = weights[i] / total;
    return c;
  }
  case kind::framework_mean:
    throw error("the loss's own mean depends on the loss and the targets: use "
                "reduction::coefficients_for(loss, Y, outputs)");
  case kind::given:
    if (weights.size() != n)
      throw dimension_error("Σ c_i L_i: " + std::to_string(weights.size()) +
                            " coefficients for a batch of " + std::to_string(n) + " examples");
    return weights;
  }
  throw error("reduction: unknown kind");
}

std::string reduction::describe() const {
  switch (k) {
  case kind::mean: return "mean";
  case kind::sum: return "sum";
  case kind::weighted_mean: {
    std::string s = "weighted mean with w = [";
    for (std::size_t i = 0; i < weights.size(); ++i) s += (i ? ", " : "") + to_string(weights[i]);
    return s + "]";
  }
  case kind::framework_mean: return "the loss's own mean";
  case kind::given: {
    std::string s = "Σ c_i L_i with c = [";
    for (std::size_t i = 0; i < weights.size(); ++i) s += (i ? ", " : "") + to_string(weights[i]);
    return s + "]";
  }
  }
  return "?";
}

} // namespace gradlaws
