#pragma once
// A subject's own elementwise functions: the activations as the code under test computes them
// in float and double — a framework's GELU, a softplus with a threshold, a fast softsign —
// deterministic, whatever their accuracy.
//
//   mine.computes_with({gradlaws::own_activation::of("gelu",
//       [](auto z) { return my_gelu(z); }, [](auto z) { return my_gelu_derivative(z); })});
//
// The machine rung then asks two questions (gradlaws/verdict.hpp). The law verdict compares the
// two sides the subject computed with each other, under a running error bound in which each
// activation is the subject's own function: at a site whose argument z carries an error e, the
// bound charges how far the subject's function can move over [z − e, z + e] — the exact
// function's propagation P (rigorous: rounded.hpp's bound of gradlaws's formula over the reach,
// plus its bound at z), and the wobble W of the subject's deviation δ = σ̃ − σ, twice its spread
// over seven floats of the reach (the ends, z and their neighbours) plus gradlaws's own rounding
// there — and nothing at a site whose argument is exact: a deterministic function gives the same
// value to the same argument, so its distance from the exact σ cancels between the sides.
// The accuracy verdict compares each side with the exact value, charging at each site P and the
// measured |δ(z)| (MPFR at 30 digits), and names each function's worst error in ulps.

#include "gradlaws/activation.hpp"
#include "gradlaws/function_accuracy.hpp"
#include "gradlaws/rounded.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gradlaws {

/// One activation as the subject computes it: σ̃ and σ̃′ in double and in float.
struct own_activation {
  std::string name; ///< the registered activation it computes, e.g. "gelu"
  std::function<double(double)> f, df;
  std::function<float(float)> f_float, df_float;
  /// Other code paths of the same function that the subject takes at other positions of a
  /// tensor (a framework's vectorised kernel and its scalar tail): the same argument may get
  /// any of their values, so the law verdict charges their spread at every site, the wobble
  /// spans them all, and the accuracy verdict measures the worst of them. Empty: one path.
  std::vector<own_activation> paths;

  /// From callables generic over the format (or callable on both double and float).
  template <class Fn, class DFn> static own_activation of(std::string name, Fn f, DFn df) {
    return {std::move(name), [f](double z) { return double(f(z)); },
            [df](double z) { return double(df(z)); }, [f](float z) { return float(f(z)); },
            [df](float z) { return float(df(z)); }};
  }
};

/// A subject's own functions. Validated on construction: each name is a registered
/// activation (unknown_name_error otherwise), named once, with all four callables.
class own_functions {
public:
  own_functions() = default;
  own_functions(std::vector<own_activation> list); // NOLINT: a list reads as the set
  const std::vector<own_activation> &list() const { return list_; }
  bool empty() const { return list_.empty(); }
  /// The subject's version of activation a, or nullptr when it uses gradlaws's.
  const own_activation *find(const activation &a) const;

private:
  std::vector<own_activation> list_;
  std::vector<const activation *> of_;
};

/// What a machine evaluation's bound charges at a site of a subject's own function.
enum class own_charge {
  law,     ///< the function's movement over the argument's reach (the law verdict)
  accuracy ///< the propagation and the function's measured distance from the exact σ
};

/// While alive, the engine's evaluations on this thread in float and double evaluate the
/// activations in `functions` as the subject does, and those on rounded<F> charge them as
/// `charge` says; with own_charge::accuracy, each site's measured accuracy is kept in `log`
/// (worst per function) when it is given.
class own_functions_scope {
public:
  own_functions_scope(const own_functions &functions, own_charge charge,
                      std::vector<function_accuracy> *log = nullptr);
  ~own_functions_scope();
  own_functions_scope(const own_functions_scope &) = delete;
  own_functions_scope &operator=(const own_functions_scope &) = delete;

private:
  const void *previous_;
};

namespace detail {
template <class T> inline constexpr bool is_rounded_v = false;
template <class F> inline constexpr bool is_rounded_v<rounded<F>> = true;

/// The subject's own version of a at argument z under the scope in force, or nothing when
/// there is no scope or a is not among its functions.
template <class F>
std::optional<rounded<F>> own_value(const activation &a, const rounded<F> &z, bool derivative);
extern template std::optional<rounded<double>> own_value(const activation &, const rounded<double> &, bool);
extern template std::optional<rounded<float>> own_value(const activation &, const rounded<float> &, bool);

/// The subject's own version of a at a float or double z under the scope in force, or nothing.
template <class F> std::optional<F> own_plain_value(const activation &a, F z, bool derivative);
extern template std::optional<double> own_plain_value(const activation &, double, bool);
extern template std::optional<float> own_plain_value(const activation &, float, bool);

/// σ(z) as the engine evaluates it: the subject's own function in float and double (and on
/// the machine rung's bounded values) when one is in force, the registry's formula otherwise.
template <class T> T apply_activation(const activation &a, const T &z) {
  if constexpr (is_rounded_v<T>) {
    if (auto own = own_value(a, z, false)) return *own;
  } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    if (auto own = own_plain_value(a, z, false)) return *own;
  }
  return a.f(z);
}
/// σ′(z) given fz = σ(z), likewise.
template <class T> T apply_derivative(const activation &a, const T &z, const T &fz) {
  if constexpr (is_rounded_v<T>) {
    if (auto own = own_value(a, z, true)) return *own;
  } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    if (auto own = own_plain_value(a, z, true)) return *own;
  }
  return a.df_given(z, fz);
}
} // namespace detail

} // namespace gradlaws
