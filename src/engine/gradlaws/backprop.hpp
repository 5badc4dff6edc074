#pragma once
// The backprop engine: a forward pass that keeps each layer's input, a backward pass from any
// upstream error, and the batch gradient of a reduced loss J = Σ c_i L_i in one batched pass
// (the way training frameworks compute it). Data: X is input × N, Y is output × N.
//
// Every entry point checks its inputs: an empty batch, mismatched dimensions or a NaN
// parameter raise the matching gradlaws::error naming the problem.

#include "gradlaws/loss.hpp"
#include "gradlaws/model.hpp"

#include <functional>

namespace gradlaws {

/// A batch-gradient function on T: ∇_θ J(θ; X, Y) for J = Σ c_i L_i under a reduction.
/// gradient() is gradlaws's own; the functions below that assemble gradients from batch
/// gradients take another one as an optional last argument (the code under test).
template <class T>
using batch_gradient_fn = std::function<vec<T>(const model &, const vec<T> &, const mat<T> &,
                                               const mat<T> &, const reduction &)>;

/// What a forward pass keeps for the backward pass: the input of every layer.
template <class T> struct tape {
  std::vector<mat<T>> inputs;
  mat<T> output;
};

/// ŷ = model(X) for a whole batch. T: any forward scalar.
template <class T>
mat<T> forward(const model &m, const vec<T> &theta, const mat<T> &x, tape<T> *keep = nullptr);

/// ∂/∂θ of Σ_{i,j} upstream(j,i)·ŷ(j,i) at the forward pass kept in t. T: a backward scalar.
template <class T>
vec<T> backward(const model &m, const vec<T> &theta, const tape<T> &t, const mat<T> &upstream);

/// The per-example output errors ∂L_i/∂ŷ_i as the columns of a matrix.
template <class T> mat<T> output_errors(const model &m, const mat<T> &yhat, const mat<T> &y);

/// The per-example losses L_i.
template <class T> vec<T> example_losses(const model &m, const vec<T> &theta, const mat<T> &x,
                                         const mat<T> &y);

/// J = Σ c_i L_i for the reduction r. T: any forward scalar.
template <class T>
T objective(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
            const reduction &r = reduction::mean());

/// ∇J by one batched forward and backward pass over the whole batch.
template <class T>
vec<T> gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                const reduction &r = reduction::mean());

/// ∇J of the mean loss by `g`, or by gradient() when g is empty: the batch gradient of the
/// code under test where one is given.
template <class T>
vec<T> gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                const batch_gradient_fn<T> &g) {
  return g ? g(m, theta, x, y, reduction::mean()) : gradient<T>(m, theta, x, y, reduction::mean());
}

/// ∇L_i by an isolated forward and backward pass over example i alone.
template <class T>
vec<T> example_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                        Eigen::Index i, const batch_gradient_fn<T> &g = {});

/// (1/N) Σ ∇L_i from N isolated per-example passes.
template <class T>
vec<T> mean_of_example_gradients(const model &m, const vec<T> &theta, const mat<T> &x,
                                 const mat<T> &y, const batch_gradient_fn<T> &g = {});

/// The batch's mean input and mean target as a batch of one example (x̄, ȳ).
template <class T> std::pair<mat<T>, mat<T>> mean_example(const mat<T> &x, const mat<T> &y);

/// ∇L(θ; x̄, ȳ): the gradient at the mean example (a fallacy's left side; equal to ∇J only
/// when the per-example gradient is affine in (x, y)).
template <class T>
vec<T> gradient_at_mean_example(const model &m, const vec<T> &theta, const mat<T> &x,
                                const mat<T> &y, const batch_gradient_fn<T> &g = {});

/// backward at the activations of x̄ applied to ē = (1/N) Σ_i ∂L_i/∂ŷ_i: the mean output error
/// of the real forward pass sent back through one set of activations (a fallacy's left side).
template <class T>
vec<T> mean_error_backprop(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y);

/// ∇_θ L_i with L_i computed by one forward pass over the whole batch (so through the batch
/// statistics of any coupled layer): the backward pass of the error of example i alone.
template <class T>
vec<T> in_batch_example_gradient(const model &m, const vec<T> &theta, const mat<T> &x,
                                 const mat<T> &y, Eigen::Index i);

/// Throws the matching gradlaws::error if θ, X or Y do not fit m, the batch is empty, or a
/// value is NaN or infinite.
template <class T>
void check_inputs(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y);

} // namespace gradlaws

// The engine's templates are compiled once per rung (src/engine/rungs/); every other source
// sees only these declarations.
#define GRADLAWS_BACKPROP_FORWARD(PREFIX, T)                                                  \
  PREFIX mat<T> forward<T>(const model &, const vec<T> &, const mat<T> &, tape<T> *);         \
  PREFIX T objective<T>(const model &, const vec<T> &, const mat<T> &, const mat<T> &,        \
                        const reduction &);                                                   \
  PREFIX vec<T> example_losses<T>(const model &, const vec<T> &, const mat<T> &,              \
                                  const mat<T> &);                                            \
  PREFIX void check_inputs<T>(const model &, const vec<T> &, const mat<T> &, const mat<T> &); \
  PREFIX std::pair<mat<T>, mat<T>> mean_example<T>(const mat<T> &, const mat<T> &);
#define GRADLAWS_BACKPROP_BACKWARD(PREFIX, T)                                                 \
  PREFIX vec<T> backward<T>(const model &, const vec<T> &, const tape<T> &, const mat<T> &);  \
  PREFIX mat<T> output_errors<T>(const model &, const mat<T> &, const mat<T> &);              \
  PREFIX vec<T> gradient<T>(const model &, const vec<T> &, const mat<T> &, const mat<T> &,    \
                            const reduction &);                                               \
  PREFIX vec<T> example_gradient<T>(const model &, const vec<T> &, const mat<T> &,            \
                                    const mat<T> &, Eigen::Index, const batch_gradient_fn<T> &); \
  PREFIX vec<T> mean_of_example_gradients<T>(const model &, const vec<T> &, const mat<T> &,   \
                                             const mat<T> &, const batch_gradient_fn<T> &);   \
  PREFIX vec<T> gradient_at_mean_example<T>(const model &, const vec<T> &, const mat<T> &,    \
                                            const mat<T> &, const batch_gradient_fn<T> &);    \
  PREFIX vec<T> mean_error_backprop<T>(const model &, const vec<T> &, const mat<T> &,         \
                                       const mat<T> &);                                       \
  PREFIX vec<T> in_batch_example_gradient<T>(const model &, const vec<T> &, const mat<T> &,   \
                                             const mat<T> &, Eigen::Index);

namespace gradlaws {
#define GRADLAWS_EXTERN_FORWARD(T) GRADLAWS_BACKPROP_FORWARD(extern template, T)
#define GRADLAWS_EXTERN_BACKWARD(T) GRADLAWS_BACKPROP_BACKWARD(extern template, T)
GRADLAWS_FORWARD_SCALARS(GRADLAWS_EXTERN_FORWARD)
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_EXTERN_BACKWARD)
#undef GRADLAWS_EXTERN_FORWARD
#undef GRADLAWS_EXTERN_BACKWARD
} // namespace gradlaws
