#pragma once
// Binds a struct of function templates to the loss interface on every ladder scalar.

#include "gradlaws/detail/activation_adapter.hpp"
#include "gradlaws/loss.hpp"

namespace gradlaws::detail {

/// Throws dimension_error naming the loss unless ŷ and y have the same, positive length.
void require_same_shape(const std::string &loss_name, Eigen::Index yhat, Eigen::Index y);

template <class Impl> class loss_adapter final : public loss {
public:
  using loss::loss;

#define GRADLAWS_DEFINE_VALUE(T)                                                              \
  T value(const vec<T> &yhat, const vec<T> &y) const override {                               \
    require_same_shape(name(), yhat.size(), y.size());                                        \
    if constexpr (unsupported_on<Impl, T>()) throw_unsupported<T>(name());                    \
    else return Impl::value(yhat, y);                                                         \
  }
#define GRADLAWS_DEFINE_GRAD(T)                                                               \
  vec<T> gradient(const vec<T> &yhat, const vec<T> &y) const override {                       \
    require_same_shape(name(), yhat.size(), y.size());                                        \
    if constexpr (unsupported_on<Impl, T>()) throw_unsupported<T>(name());                    \
    else return Impl::gradient(yhat, y);                                                      \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DEFINE_VALUE)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_GRAD)
#undef GRADLAWS_DEFINE_VALUE
#undef GRADLAWS_DEFINE_GRAD
};

} // namespace gradlaws::detail

namespace gradlaws {
template <class Impl> bool register_loss(loss_info info) {
  static_assert(requires { Impl::rational; },
                "a loss struct needs `static constexpr bool rational` (true when value and "
                "gradient use only + - * / and comparisons, so they run on the exact rung)");
  info.rational = Impl::rational;
  return register_loss(std::make_unique<detail::loss_adapter<Impl>>(std::move(info)));
}
} // namespace gradlaws
