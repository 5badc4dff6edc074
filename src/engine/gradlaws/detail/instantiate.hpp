#pragma once
// What a rung source instantiates: the engine's templates (backprop, layers, strategies) for
// one scalar. Every other source sees them as `extern template` declarations, so the formulas
// are compiled once per rung, each rung in its own source, in parallel.

#include "gradlaws/detail/backprop_impl.hpp"
#include "gradlaws/detail/layer_impl.hpp"
#include "gradlaws/detail/norm_layers_impl.hpp"
#include "gradlaws/detail/strategy_impl.hpp"
#include "gradlaws/oracle.hpp"

/// The forward pass on T: what the oracle's reverse-mode values need.
#define GRADLAWS_INSTANTIATE_FORWARD_RUNG(T)                                                  \
  namespace gradlaws {                                                                        \
  GRADLAWS_BACKPROP_FORWARD(template, T)                                                      \
  GRADLAWS_LAYER_FORWARD(template, T)                                                         \
  GRADLAWS_NORM_FORWARD(template, T)                                                          \
  }

/// The forward and the backward pass on T.
#define GRADLAWS_INSTANTIATE_BACKWARD_RUNG(T)                                                 \
  GRADLAWS_INSTANTIATE_FORWARD_RUNG(T)                                                        \
  namespace gradlaws {                                                                        \
  GRADLAWS_BACKPROP_BACKWARD(template, T)                                                     \
  GRADLAWS_LAYER_BACKWARD(template, T)                                                        \
  GRADLAWS_NORM_BACKWARD(template, T)                                                         \
  template vec<T> schedule_gradient<T>(const schedule &, const model &, const vec<T> &,       \
                                       const mat<T> &, const mat<T> &,                        \
                                       const batch_gradient_fn<T> &);                         \
  }
