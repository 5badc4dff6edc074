#pragma once
// Binds a struct of function templates to the activation interface on every ladder scalar.

#include "gradlaws/activation.hpp"

namespace gradlaws::detail {

template <class T> [[noreturn]] void throw_unsupported(const std::string &what) {
  throw unsupported_rung_error(what + " cannot run on the " +
                               std::string(to_string(scalar_traits<T>::kind)) +
                               " rung (" + (is_exact_v<T> ? "it is not rational; use the high rung"
                                                          : "MPFI has no erf") + ")");
}

/// True when Impl cannot be evaluated on T: transcendental formulas on rationals, and erf on
/// MPFI intervals (MPFI has no erf).
template <class Impl, class T> constexpr bool unsupported_on() {
  if constexpr (is_exact_v<T> && !Impl::rational) return true;
  else if constexpr (requires { Impl::needs_erf; }) return std::is_same_v<T, interval>;
  else return false;
}

template <class Impl> class activation_adapter final : public activation {
public:
  using activation::activation;

#define GRADLAWS_DEFINE_F(T)                                                                  \
  T f(const T &z) const override {                                                            \
    if constexpr (unsupported_on<Impl, T>()) throw_unsupported<T>(name());                    \
    else return Impl::f(z);                                                                   \
  }
#define GRADLAWS_DEFINE_DF(T)                                                                 \
  T df(const T &z) const override {                                                           \
    if constexpr (unsupported_on<Impl, T>()) throw_unsupported<T>(name());                    \
    else return Impl::df(z);                                                                  \
  }
#define GRADLAWS_DEFINE_DF_GIVEN(T)                                                           \
  T df_given(const T &z, const T &fz) const override {                                        \
    if constexpr (unsupported_on<Impl, T>()) throw_unsupported<T>(name());                    \
    else if constexpr (requires { Impl::df_from_output(z, fz); })                             \
      return Impl::df_from_output(z, fz);                                                     \
    else return Impl::df(z);                                                                  \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DEFINE_F)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_DF)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_DF_GIVEN)
#undef GRADLAWS_DEFINE_F
#undef GRADLAWS_DEFINE_DF
#undef GRADLAWS_DEFINE_DF_GIVEN
};

} // namespace gradlaws::detail

namespace gradlaws {
template <class Impl> bool register_activation(activation_info info) {
  static_assert(requires { Impl::rational; },
                "an activation struct needs `static constexpr bool rational` (true when f and "
                "df use only + - * / and comparisons, so they run on the exact rung)");
  info.rational = Impl::rational;
  if constexpr (requires { Impl::needs_erf; }) info.interval = !Impl::needs_erf;
  return register_activation(std::make_unique<detail::activation_adapter<Impl>>(std::move(info)));
}
} // namespace gradlaws
