#pragma once
// Layers: the pieces a model is made of. A layer maps a batch (one example per column) to a
// batch, owns a contiguous block of the model's flat parameter vector, and back-propagates an
// upstream error. New layers derive from layer_base<Derived> and write two member templates:
//
//   template <class T> mat<T> forward_impl(const mat<T> &x, const T *params) const;
//   template <class T> mat<T> backward_impl(const mat<T> &x, const T *params,
//                                           const mat<T> &upstream, T *param_grad) const;
//
// backward_impl returns ∂/∂x of Σ upstream ⊙ forward(x) and adds the parameter gradient into
// param_grad. A layer whose derivative is cheaper from its output (σ′ = σ(1 − σ)) may take the
// output of the same forward pass as a second argument instead:
//
//   template <class T> mat<T> backward_impl(const mat<T> &x, const mat<T> &y, const T *params,
//                                           const mat<T> &upstream, T *param_grad) const;
//
// A layer may instead write its result into a matrix the engine keeps from pass to pass (the
// built-in dense and activation layers do: on the multiprecision rungs a reused matrix keeps
// its entries' storage, so a pass allocates nothing). The result argument comes last:
//
//   template <class T> void forward_impl(const mat<T> &x, const T *params, mat<T> &y) const;
//   template <class T> void backward_impl(const mat<T> &x, const mat<T> &y, const T *params,
//                                         const mat<T> &upstream, T *param_grad,
//                                         mat<T> &dx) const;
//
// The result may arrive with any shape and contents; the layer shapes it with
// detail::reshape (gradlaws/detail/workspace.hpp), which keeps it when it fits.
//
// A layer whose output for one example depends on other examples (BatchNorm) says so with
// batch_coupled().

#include "gradlaws/activation.hpp"
#include "gradlaws/adjoint.hpp"
#include "gradlaws/scalar.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gradlaws {

class layer {
public:
  virtual ~layer() = default;

  /// Short description for reports, e.g. "Dense(2→3)" or "relu".
  virtual std::string describe() const = 0;
  virtual std::size_t in_dim() const = 0;
  virtual std::size_t out_dim() const = 0;
  virtual std::size_t parameter_count() const { return 0; }
  /// Names of this layer's parameters; `index` numbers layers of the same kind from 1.
  virtual std::vector<std::string> parameter_names(std::size_t index) const;
  /// True if one example's output depends on the other examples of the batch.
  virtual bool batch_coupled() const { return false; }
  /// The conventional initial value of parameter `index` (0; a scale γ starts at 1).
  /// Generators draw θ as small offsets from it, so shrinking heads for it.
  virtual exact initial_parameter(std::size_t /*index*/) const { return exact(0); }
  /// True if the layer's formulas run on rung r.
  virtual bool supports(rung) const { return true; }
  /// Layers of the same kind share a numbering in parameter names ("W1", "W2").
  virtual std::string kind() const = 0;
  /// A C++ expression that builds this layer as a std::shared_ptr<const layer>, for drafted
  /// regression tests; empty if the layer cannot print itself.
  virtual std::string construction_code() const { return ""; }

  // forward_into / backward_into: the result goes into `out` / `dx`, whose storage is reused
  // when it already has the result's shape (and precision). forward / backward return it.
#define GRADLAWS_DECLARE_FORWARD(T)                                                           \
  virtual void forward_into(const mat<T> &x, const T *params, mat<T> &out) const = 0;         \
  mat<T> forward(const mat<T> &x, const T *params) const {                                    \
    mat<T> out;                                                                               \
    forward_into(x, params, out);                                                             \
    return out;                                                                               \
  }
#define GRADLAWS_DECLARE_BACKWARD(T)                                                          \
  virtual void backward_into(const mat<T> &x, const mat<T> &y, const T *params,              \
                             const mat<T> &upstream, T *param_grad, mat<T> &dx) const = 0;   \
  mat<T> backward(const mat<T> &x, const mat<T> &y, const T *params, const mat<T> &upstream, \
                  T *param_grad) const {                                                      \
    mat<T> dx;                                                                                \
    backward_into(x, y, params, upstream, param_grad, dx);                                    \
    return dx;                                                                                \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DECLARE_FORWARD)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DECLARE_BACKWARD)
#undef GRADLAWS_DECLARE_FORWARD
#undef GRADLAWS_DECLARE_BACKWARD
};

namespace detail {
/// True unless Derived restricts the scalars it runs on with
/// `template <class T> static constexpr bool runs_on = …;`.
template <class Derived, class T> constexpr bool layer_runs_on() {
  if constexpr (requires { Derived::template runs_on<T>; }) return Derived::template runs_on<T>;
  else return true;
}
/// Throws unsupported_rung_error: `what` does not run on T's rung.
[[noreturn]] void refuse_rung(const std::string &what, rung r, bool ad);
} // namespace detail

/// Implements layer's per-scalar virtuals by calling Derived's member templates. On a scalar
/// Derived::runs_on<T> excludes, the virtual throws unsupported_rung_error and Derived's
/// formulas are not instantiated. A layer used from many sources can keep its formulas out of
/// them: declare `extern template class gradlaws::layer_base<Derived>;` and the member
/// templates extern in its header, and instantiate them once per rung (src/engine/rungs/ does
/// this for the built-in layers).
template <class Derived> class layer_base : public layer {
public:
#define GRADLAWS_DEFINE_FORWARD(T)                                                            \
  void forward_into(const mat<T> &x, const T *params, mat<T> &out) const override {           \
    const Derived &self = static_cast<const Derived &>(*this);                                \
    if constexpr (!detail::layer_runs_on<Derived, T>())                                       \
      detail::refuse_rung(describe(), scalar_traits<T>::kind, scalar_traits<T>::is_ad);     \
    else if constexpr (requires { self.template forward_impl<T>(x, params, out); })           \
      self.template forward_impl<T>(x, params, out);                                          \
    else                                                                                      \
      out = self.template forward_impl<T>(x, params);                                         \
  }
#define GRADLAWS_DEFINE_BACKWARD(T)                                                           \
  void backward_into(const mat<T> &x, const mat<T> &y, const T *params,                      \
                     const mat<T> &upstream, T *param_grad, mat<T> &dx) const override {      \
    const Derived &self = static_cast<const Derived &>(*this);                                \
    if constexpr (!detail::layer_runs_on<Derived, T>())                                       \
      detail::refuse_rung(describe(), scalar_traits<T>::kind, false);                         \
    else if constexpr (requires { self.template backward_impl<T>(x, y, params, upstream,      \
                                                                 param_grad, dx); })          \
      self.template backward_impl<T>(x, y, params, upstream, param_grad, dx);                 \
    else if constexpr (requires { self.template backward_impl<T>(x, y, params, upstream,      \
                                                                 param_grad); })              \
      dx = self.template backward_impl<T>(x, y, params, upstream, param_grad);                \
    else                                                                                      \
      dx = self.template backward_impl<T>(x, params, upstream, param_grad);                   \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DEFINE_FORWARD)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_BACKWARD)
#undef GRADLAWS_DEFINE_FORWARD
#undef GRADLAWS_DEFINE_BACKWARD
};

/// The most parameters one layer may have (10^7).
inline constexpr std::size_t max_layer_parameters = 10'000'000;

/// Affine layer y = W x + b with W (out × in, stored row-major first) and b (out). Throws
/// dimension_error for a zero width or more than max_layer_parameters parameters.
class dense final : public layer_base<dense> {
public:
  /// names: optional parameter names (in × out weights then out biases), e.g. {"m", "b"}.
  dense(std::size_t in, std::size_t out, std::vector<std::string> names = {});
  std::string describe() const override;
  std::string kind() const override { return "dense"; }
  std::size_t in_dim() const override { return in_; }
  std::size_t out_dim() const override { return out_; }
  std::size_t parameter_count() const override { return out_ * in_ + out_; }
  std::vector<std::string> parameter_names(std::size_t index) const override;
  std::string construction_code() const override;

  template <class T> void forward_impl(const mat<T> &x, const T *params, mat<T> &y) const;
  template <class T>
  void backward_impl(const mat<T> &x, const mat<T> &y, const T *params, const mat<T> &upstream,
                     T *param_grad, mat<T> &dx) const;

private:
  std::size_t in_, out_;
  std::vector<std::string> names_;
};

/// Elementwise activation σ from the registry.
class activation_layer final : public layer_base<activation_layer> {
public:
  activation_layer(std::size_t width, const activation &a);
  std::string describe() const override { return act_->name(); }
  std::string kind() const override { return "activation"; }
  std::size_t in_dim() const override { return width_; }
  std::size_t out_dim() const override { return width_; }
  bool supports(rung r) const override { return act_->supports(r); }
  const activation &fn() const { return *act_; }
  std::string construction_code() const override;

  template <class T> void forward_impl(const mat<T> &x, const T *, mat<T> &y) const;
  /// σ′ from the kept output where the activation allows it (σ′ = σ(1 − σ), tanh′ = 1 − tanh²).
  template <class T>
  void backward_impl(const mat<T> &x, const mat<T> &y, const T *, const mat<T> &upstream, T *,
                     mat<T> &dx) const;

private:
  std::size_t width_;
  const activation *act_;
};

// The formulas of the built-in layers are compiled once per rung (src/engine/rungs/).
extern template class layer_base<dense>;
extern template class layer_base<activation_layer>;
// One list of the built-in layers' formulas per pass, declared extern here and instantiated
// with the same list in detail/instantiate.hpp.
#define GRADLAWS_LAYER_FORWARD(PREFIX, T)                                                     \
  PREFIX void dense::forward_impl<T>(const mat<T> &, const T *, mat<T> &) const;              \
  PREFIX void activation_layer::forward_impl<T>(const mat<T> &, const T *, mat<T> &) const;
#define GRADLAWS_LAYER_BACKWARD(PREFIX, T)                                                    \
  PREFIX void dense::backward_impl<T>(const mat<T> &, const mat<T> &, const T *,              \
                                      const mat<T> &, T *, mat<T> &) const;                   \
  PREFIX void activation_layer::backward_impl<T>(const mat<T> &, const mat<T> &, const T *,   \
                                                 const mat<T> &, T *, mat<T> &) const;
#define GRADLAWS_EXTERN_LAYER_FORWARD(T) GRADLAWS_LAYER_FORWARD(extern template, T)
#define GRADLAWS_EXTERN_LAYER_BACKWARD(T) GRADLAWS_LAYER_BACKWARD(extern template, T)
GRADLAWS_FORWARD_SCALARS(GRADLAWS_EXTERN_LAYER_FORWARD)
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_EXTERN_LAYER_BACKWARD)
#undef GRADLAWS_EXTERN_LAYER_FORWARD
#undef GRADLAWS_EXTERN_LAYER_BACKWARD

} // namespace gradlaws
