#pragma once
// What a rung source instantiates: the engine's templates (backprop, layers, strategies) for
// one scalar. Every other source sees them as `extern template` declarations, so the formulas
// are compiled once per rung, each rung in its own source, in parallel.

#include "gradlaws/detail/backprop_impl.hpp"
#include "gradlaws/detail/layer_impl.hpp"
#include "gradlaws/detail/norm_layers_impl.hpp"
#include "gradlaws/detail/strategy_impl.hpp"
#include "gradlaws/oracle.hpp"

/// The forward pass on T: what the oracle's dual numbers need.
#define GRADLAWS_INSTANTIATE_FORWARD_RUNG(T)                                                  \
  namespace gradlaws {                                                                        \
  GRADLAWS_BACKPROP_FORWARD(template, T)                                                      \
  template mat<T> dense::forward_impl<T>(const mat<T> &, const T *) const;                    \
  template mat<T> activation_layer::forward_impl<T>(const mat<T> &, const T *) const;         \
  template mat<T> batch_norm::forward_impl<T>(const mat<T> &, const T *) const;               \
  template mat<T> layer_norm::forward_impl<T>(const mat<T> &, const T *) const;               \
  template mat<T> batch_centring::forward_impl<T>(const mat<T> &, const T *) const;           \
  }

/// The forward and the backward pass on T.
#define GRADLAWS_INSTANTIATE_BACKWARD_RUNG(T)                                                 \
  GRADLAWS_INSTANTIATE_FORWARD_RUNG(T)                                                        \
  namespace gradlaws {                                                                        \
  GRADLAWS_BACKPROP_BACKWARD(template, T)                                                     \
  template mat<T> dense::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *) const; \
  template mat<T> activation_layer::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, \
                                                     T *) const;                              \
  template mat<T> batch_norm::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *) \
      const;                                                                                  \
  template mat<T> layer_norm::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *) \
      const;                                                                                  \
  template mat<T> batch_centring::backward_impl<T>(const mat<T> &, const T *, const mat<T> &,  \
                                                   T *) const;                                \
  template vec<T> schedule_gradient<T>(const schedule &, const model &, const vec<T> &,       \
                                       const mat<T> &, const mat<T> &,                        \
                                       const batch_gradient_fn<T> &);                         \
  }
