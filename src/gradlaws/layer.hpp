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
// param_grad. A layer whose output for one example depends on other examples (BatchNorm) says
// so with batch_coupled().

#include "gradlaws/activation.hpp"
#include "gradlaws/dual.hpp"
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
  /// True if the layer's formulas run on rung r.
  virtual bool supports(rung) const { return true; }
  /// Layers of the same kind share a numbering in parameter names ("W1", "W2").
  virtual std::string kind() const = 0;
  /// A C++ expression that builds this layer as a std::shared_ptr<const layer>, for drafted
  /// regression tests; empty if the layer cannot print itself.
  virtual std::string construction_code() const { return ""; }

#define GRADLAWS_DECLARE_FORWARD(T)                                                           \
  virtual mat<T> forward(const mat<T> &x, const T *params) const = 0;
#define GRADLAWS_DECLARE_BACKWARD(T)                                                          \
  virtual mat<T> backward(const mat<T> &x, const T *params, const mat<T> &upstream,          \
                          T *param_grad) const = 0;
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DECLARE_FORWARD)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DECLARE_BACKWARD)
#undef GRADLAWS_DECLARE_FORWARD
#undef GRADLAWS_DECLARE_BACKWARD
};

/// Implements layer's per-scalar virtuals by calling Derived's member templates.
template <class Derived> class layer_base : public layer {
public:
#define GRADLAWS_DEFINE_FORWARD(T)                                                            \
  mat<T> forward(const mat<T> &x, const T *params) const override {                           \
    return static_cast<const Derived &>(*this).template forward_impl<T>(x, params);           \
  }
#define GRADLAWS_DEFINE_BACKWARD(T)                                                           \
  mat<T> backward(const mat<T> &x, const T *params, const mat<T> &upstream, T *param_grad)    \
      const override {                                                                        \
    return static_cast<const Derived &>(*this).template backward_impl<T>(x, params, upstream, \
                                                                         param_grad);         \
  }
  GRADLAWS_FORWARD_SCALARS(GRADLAWS_DEFINE_FORWARD)
  GRADLAWS_BACKWARD_SCALARS(GRADLAWS_DEFINE_BACKWARD)
#undef GRADLAWS_DEFINE_FORWARD
#undef GRADLAWS_DEFINE_BACKWARD
};

/// Affine layer y = W x + b with W (out × in, stored row-major first) and b (out).
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

  template <class T> mat<T> forward_impl(const mat<T> &x, const T *params) const;
  template <class T>
  mat<T> backward_impl(const mat<T> &x, const T *params, const mat<T> &upstream,
                       T *param_grad) const;

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

  template <class T> mat<T> forward_impl(const mat<T> &x, const T *) const;
  template <class T>
  mat<T> backward_impl(const mat<T> &x, const T *, const mat<T> &upstream, T *) const;

private:
  std::size_t width_;
  const activation *act_;
};

// ---------------------------------------------------------------------------------------------

template <class T> mat<T> dense::forward_impl(const mat<T> &x, const T *p) const {
  using rowmat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const rowmat> w(p, Eigen::Index(out_), Eigen::Index(in_));
  const Eigen::Map<const vec<T>> b(p + out_ * in_, Eigen::Index(out_));
  mat<T> y = w * x;
  y.colwise() += b;
  return y;
}

template <class T>
mat<T> dense::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  using rowmat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const rowmat> w(p, Eigen::Index(out_), Eigen::Index(in_));
  Eigen::Map<rowmat> gw(g, Eigen::Index(out_), Eigen::Index(in_));
  Eigen::Map<vec<T>> gb(g + out_ * in_, Eigen::Index(out_));
  gw += up * x.transpose(); // Σ over the batch, as a batched framework does
  gb += up.rowwise().sum();
  return w.transpose() * up;
}

template <class T> mat<T> activation_layer::forward_impl(const mat<T> &x, const T *) const {
  mat<T> y(x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) y(i, j) = act_->f(x(i, j));
  return y;
}

template <class T>
mat<T> activation_layer::backward_impl(const mat<T> &x, const T *, const mat<T> &up, T *) const {
  mat<T> dx(x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) dx(i, j) = up(i, j) * act_->df(x(i, j));
  return dx;
}

} // namespace gradlaws
