#pragma once
// The activation registry. An activation is written once as a struct with two function
// templates, f and df, and registered; every generator, law and fallacy that quantifies over
// activations then picks it up on every rung it supports.
//
//   struct my_square {
//     static constexpr bool rational = true; // only + - * / and comparisons: runs exact
//     template <class T> static T f(const T &z) { return z * z; }
//     template <class T> static T df(const T &z) { return T(2) * z; }
//   };
//
// Optionally, `template <class T> static T df_from_output(const T &z, const T &fz)` gives the
// same value as df(z) from fz = f(z) kept by the forward pass (σ′ = σ(1 − σ)): backprop then
// does not evaluate f again. Use fz only where the formula keeps its relative accuracy: σ(1 − σ)
// cancels to 0 where σ rounds to 1 (z ≥ 120 at 50 digits), so the built-in sigmoid uses the
// output for z ≤ 0 only, and tanh (1 − tanh² cancels the same way) not at all.
//   gradlaws::register_activation<my_square>({.name = "my_square", .formula = "z²",
//                                             .derivative = "2z", .affine_derivative = true});

#include "gradlaws/adjoint.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// What a reader (and a generator) needs to know about an activation besides its formulas.
struct activation_info {
  std::string name;        ///< registry key, e.g. "sigmoid"
  std::string formula;     ///< f(z) in words/symbols, e.g. "1/(1+e^-z)"
  std::string derivative;  ///< f′(z), e.g. "σ(z)(1-σ(z))"
  bool rational = false;   ///< built from rational operations only: runs on the exact rung
  bool affine_derivative = false; ///< f′ affine (f at most quadratic): f′(mean z) = mean f′(z)
  std::string kinks;       ///< the derivative's convention where f is not differentiable
  bool interval = true;    ///< runs on the interval rung (false when f needs erf: MPFI has none)
};

/// An activation function σ applied elementwise, with its hand-written derivative σ′.
/// f is defined on every forward scalar (including the oracle's reverse-mode values); df on every
/// backward scalar. Using a non-rational activation on the exact rung throws
/// unsupported_rung_error.
class activation {
public:
  explicit activation(activation_info info) : info_(std::move(info)) {}
  virtual ~activation() = default;

  const activation_info &info() const { return info_; }
  const std::string &name() const { return info_.name; }
  /// True if the activation can be evaluated on rung r.
  bool supports(rung r) const {
    return (r != rung::exact || info_.rational) && (r != rung::interval || info_.interval);
  }

#define GRADLAWS_DECLARE_F(T) virtual T f(const T &z) const = 0;
#define GRADLAWS_DECLARE_DF(T) virtual T df(const T &z) const = 0;
  /// σ′(z) given fz = σ(z) from the same forward pass: the same value as df(z), cheaper where
  /// the formula allows (an activation struct may define df_from_output(z, fz)).
#define GRADLAWS_DECLARE_DF_GIVEN(T)                                                          \
  virtual T df_given(const T &z, const T &fz) const {                                         \
    (void)fz;                                                                                 \
    return df(z);                                                                             \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DECLARE_F)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DECLARE_DF)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DECLARE_DF_GIVEN)
#undef GRADLAWS_DECLARE_F
#undef GRADLAWS_DECLARE_DF
#undef GRADLAWS_DECLARE_DF_GIVEN

private:
  activation_info info_;
};

/// [σ′((1/N) Σ_i z_i)]: the derivative at the mean pre-activation (a one-entry vector, so it
/// compares like a gradient). Throws empty_batch_error for empty z.
namespace detail {
template <class T> void require_finite_z(const vec<T> &z, const char *what) {
  for (Eigen::Index i = 0; i < z.size(); ++i)
    if (!is_finite_value(z[i]))
      throw nonfinite_error(std::string(what) + ": the pre-activation z_" + std::to_string(i + 1) +
                            " is NaN or infinite");
}
} // namespace detail

template <class T> vec<T> derivative_at_mean(const activation &a, const vec<T> &z) {
  if (z.size() == 0) throw empty_batch_error("derivative_at_mean: no pre-activations");
  detail::require_finite_z(z, "derivative_at_mean");
  vec<T> out(1);
  out[0] = a.df(T(z.sum() / T(int(z.size()))));
  return out;
}
/// [(1/N) Σ_i σ′(z_i)]: the mean of the derivatives. Throws empty_batch_error for empty z.
template <class T> vec<T> mean_derivative(const activation &a, const vec<T> &z) {
  if (z.size() == 0) throw empty_batch_error("mean_derivative: no pre-activations");
  detail::require_finite_z(z, "mean_derivative");
  vec<T> out(1);
  out[0] = T(0);
  for (Eigen::Index i = 0; i < z.size(); ++i) out[0] += a.df(z[i]);
  out[0] /= T(int(z.size()));
  return out;
}

/// Looks up an activation; throws unknown_name_error listing the registered names.
const activation &find_activation(std::string_view name);
/// Every registered activation, in registration order (built-ins first).
std::vector<const activation *> activations();
/// Every registered activation that runs on rung r.
std::vector<const activation *> activations_on(rung r);
/// Adds an activation; throws gradlaws::error if the name is taken. Returns true, so that a
/// registration can initialise a static in any linked source file:
///   static const bool registered = gradlaws::register_activation<my_square>({…});
bool register_activation(std::unique_ptr<const activation> a);
/// Adds an activation written as a struct with static templates f and df (see above).
template <class Impl> bool register_activation(activation_info info);

} // namespace gradlaws

#include "gradlaws/detail/activation_adapter.hpp"
