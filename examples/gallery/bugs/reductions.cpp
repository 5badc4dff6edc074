// Batch gradients of a reduced loss, with the reduction done by hand.

#include "common.hpp"

namespace gallery {
namespace {

// A missing 1/N: the per-example losses are summed and back-propagated whatever the reduction.
template <class T>
vec<T> summed(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y, const reduction &r) {
  return r.k == reduction::kind::mean ? gradient<T>(m, theta, x, y, reduction::sum())
                                      : gradient<T>(m, theta, x, y, r);
}

// A weighted loss (class weights, importance weights) whose weighted sum is divided by the
// batch size N rather than by the sum of the weights.
template <class T>
vec<T> weighted_over_n(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                       const reduction &r) {
  if (r.k != reduction::kind::weighted_mean) return gradient<T>(m, theta, x, y, r);
  std::vector<exact> c;
  for (const exact &w : r.weights) c.push_back(w / exact(long(x.cols())));
  return gradient<T>(m, theta, x, y, reduction::given(std::move(c)));
}

// Checked on a few activations on each rung rather than all of them: enough to catch and
// diagnose, and quick in a sanitizer build.
const check_options on_a_few = {.variants = {"relu_exact", "square_exact", "sigmoid_high",
                                             "sigmoid_double", "tanh_double", "sigmoid_float",
                                             "gelu_float"}};

const auto correct = []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                 const mat<T> &y, const reduction &r) -> vec<T> {
  return gradient<T>(m, theta, x, y, r);
};

const bool missing = register_gallery_case(
    {.info = {.name = "missing_one_over_n",
              .title = "the mean loss's 1/N is missing: the gradient of the sum is returned",
              .story = "A hand-written training step that accumulates Σ_i ∇L_i and forgets to "
                       "divide by the batch size: the gradient grows with the batch, and the "
                       "learning rate silently depends on it. Fix: divide by N (or use the mean).",
              .expected_match = "it gives the sum's weights"},
     .bug = make_gradient_subject("Σ ∇L_i for the mean",
                                  []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                              const mat<T> &y, const reduction &r) -> vec<T> {
                                    return summed<T>(m, theta, x, y, r);
                                  }),
     .twin = make_gradient_subject("(1/N) Σ ∇L_i", correct),
     .options = on_a_few});

const bool weighted = register_gallery_case(
    {.info = {.name = "weighted_mean_divided_by_n",
              .title = "a weighted cross-entropy's mean divides by N instead of Σ w",
              .story = "A class-weighted cross-entropy reduced as Σ_i w_i L_i / N. PyTorch's "
                       "weighted mean divides by Σ_i w_i; dividing by N rescales the gradient by "
                       "Σw/N, which changes from batch to batch with the classes it holds. Fix: "
                       "divide by the sum of the weights.",
              .expected_match = "it gives w_i/N"},
     .bug = make_gradient_subject("Σ w_i ∇L_i / N",
                                  []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                              const mat<T> &y, const reduction &r) -> vec<T> {
                                    return weighted_over_n<T>(m, theta, x, y, r);
                                  }),
     .twin = make_gradient_subject("Σ w_i ∇L_i / Σ w_i", correct),
     .options = on_a_few});

} // namespace
} // namespace gallery
