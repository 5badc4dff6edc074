// Per-example gradients of a model with BatchNorm.

#include "common.hpp"

#include <gradlaws/norm_layers.hpp>

namespace gallery {
namespace {

// Per-example gradients taken by running each example through the model alone, with BatchNorm
// still in training mode: each example is normalised by the statistics of a batch of one (its
// own), so its normalised value is 0 whatever it was. Averaging these is not the gradient of
// the batch's loss, which normalises every example by the statistics of the whole batch. Fix:
// differentiate the batch's loss (per-example gradients of a batch-coupled layer are not
// independent), or put the layer in evaluation mode with fixed statistics.
template <class T>
vec<T> per_example_in_training_mode(const model &m, const vec<T> &theta, const mat<T> &x,
                                    const mat<T> &y, const reduction &r) {
  const std::vector<exact> c = r.coefficients(std::size_t(x.cols()));
  vec<T> g = vec<T>::Zero(theta.size());
  for (Eigen::Index i = 0; i < x.cols(); ++i)
    g += from_exact<T>(c[std::size_t(i)]) *
         gradient<T>(m, theta, mat<T>(x.col(i)), mat<T>(y.col(i)), reduction::sum());
  return g;
}

const bool registered = register_gallery_case(
    {.info = {.name = "batchnorm_per_example_training_mode",
              .title = "per-example gradients taken one example at a time through BatchNorm in "
                       "training mode",
              .story = "Per-sample gradient tools (for differential privacy, or per-example "
                       "clipping) that run each example alone through a model whose BatchNorm is "
                       "in training mode: each example is normalised by its own statistics, and "
                       "the mean of the per-example gradients is not the batch's gradient. Opacus "
                       "refuses BatchNorm for this reason. Fix: use the batch's gradient, or "
                       "GroupNorm/LayerNorm, or fixed statistics."},
     .bug = make_gradient_subject("mean of per-example passes through BatchNorm",
                                  []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                              const mat<T> &y, const reduction &r) -> vec<T> {
                                    return per_example_in_training_mode<T>(m, theta, x, y, r);
                                  }),
     .twin = make_gradient_subject("one pass over the batch through BatchNorm",
                                   []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                               const mat<T> &y, const reduction &r) -> vec<T> {
                                     return gradient<T>(m, theta, x, y, r);
                                   }),
     .options = {.fixed_model = make_normalised_mlp(2, {2}, {"tanh"}, 1, "mse",
                                                    normalisation::batch_norm)}});

} // namespace
} // namespace gallery
