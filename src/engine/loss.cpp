#include "gradlaws/loss.hpp"

#include "gradlaws/detail/builtin_losses.hpp"
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
    add.operator()<mse>({"mse", "Σ_j (y_j - ŷ_j)²", true, false, "none"});
    add.operator()<linear>({"linear", "Σ_j (y_j - ŷ_j)", true, true, "none"});
    add.operator()<absolute>({"absolute", "Σ_j |y_j - ŷ_j|", true, false,
                              "∂L/∂ŷ_j = 0 where ŷ_j = y_j"});
    add.operator()<huber>({"huber", "Σ_j r_j²/2 if |r_j| ≤ 1 else |r_j| - 1/2, r = ŷ - y", true,
                           false, "none (C¹)"});
    add.operator()<bce_logits>({"bce_logits", "Σ_j log(1+e^ŷ_j) - y_j ŷ_j", false, false, "none"});
    add.operator()<softmax_ce>({"softmax_ce", "-Σ_j y_j log softmax(ŷ)_j", false, false, "none"});
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
              a.info().affine_in_output && b.info().affine_in_output, ""}),
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
  return std::make_shared<combination>(alpha, a, beta, b);
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
  case kind::given: {
    std::string s = "Σ c_i L_i with c = [";
    for (std::size_t i = 0; i < weights.size(); ++i) s += (i ? ", " : "") + to_string(weights[i]);
    return s + "]";
  }
  }
  return "?";
}

} // namespace gradlaws
