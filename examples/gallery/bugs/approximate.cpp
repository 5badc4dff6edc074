// Training code whose activations are a framework's approximations, not the math library's:
// GELU by its erf formula (PyTorch's default, which cancels to a few correct bits in float near
// z = −5), softplus that returns z above a threshold of 20 (PyTorch's default), and a softsign
// some 16 ulp off. The twins are correct code with these functions: the machine rung's law
// verdict must not call them bugs, and its accuracy verdict must name each function's error.
// The bugs are ordinary averaging bugs in the same code: still caught, in double and float.

#include "common.hpp"

#include <gradlaws/own_functions.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace gallery {
namespace {

/// PyTorch's GELU: z·Φ(z) with Φ by erf, in the format of z.
template <class F> F gelu_erf(F z) {
  const F r = F(0.70710678118654752440);
  return F(0.5) * z * (F(1) + std::erf(z * r));
}
template <class F> F gelu_erf_derivative(F z) {
  const F r = F(0.70710678118654752440), c = F(0.39894228040143267794); // 1/√2, 1/√(2π)
  return F(0.5) * (F(1) + std::erf(z * r)) + z * c * std::exp(F(-0.5) * z * z);
}

/// PyTorch's softplus with its default threshold: z itself above 20.
template <class F> F softplus_threshold(F z) { return z > F(20) ? z : std::log1p(std::exp(z)); }
template <class F> F softplus_threshold_derivative(F z) {
  return z > F(20) ? F(1) : F(1) / (F(1) + std::exp(-z));
}

/// A softsign whose result is off by up to 16 ulp, by an amount that jumps from one argument
/// to the next (as a fast reciprocal's error does).
template <class F> F ragged(F value, F z) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &z, sizeof z);
  bits *= 0x9E3779B97F4A7C15ull;
  const int steps = int(bits >> 59) - 16; // −16 … 15
  for (int k = 0; k < std::abs(steps); ++k)
    value = std::nextafter(value, steps > 0 ? F(INFINITY) : F(-INFINITY));
  return value;
}
template <class F> F softsign_ragged(F z) { return ragged(z / (F(1) + std::abs(z)), z); }
template <class F> F softsign_ragged_derivative(F z) {
  const F d = F(1) + std::abs(z);
  return ragged(F(1) / (d * d), z);
}

const own_functions &framework_functions() {
  static const own_functions f{{
      own_activation::of("gelu", [](auto z) { return gelu_erf(z); },
                         [](auto z) { return gelu_erf_derivative(z); }),
      own_activation::of("softplus", [](auto z) { return softplus_threshold(z); },
                         [](auto z) { return softplus_threshold_derivative(z); }),
      own_activation::of("softsign", [](auto z) { return softsign_ragged(z); },
                         [](auto z) { return softsign_ragged_derivative(z); }),
  }};
  return f;
}

/// A batch gradient in double and float written with the framework's functions (its forward
/// and backward passes are gradlaws's, with the functions replaced), declared to gradlaws.
template <class Body> gradient_subject framework_subject(std::string name, Body body) {
  auto run = [body]<class F>(const model &m, const vec<F> &theta, const mat<F> &x,
                             const mat<F> &y, const reduction &r) -> vec<F>
    requires std::is_floating_point_v<F>
  {
    const own_functions_scope mine(framework_functions(), own_charge::law);
    return body.template operator()<F>(m, theta, x, y, r);
  };
  gradient_subject s(std::move(name));
  s.set<double>(run);
  s.set<float>(run);
  s.computes_with(framework_functions());
  s.supports({.activations = selection<activation>::named({"gelu", "softplus", "softsign"})});
  return s;
}

/// The batch's gradient under the reduction asked for.
const auto correct = []<class F>(const model &m, const vec<F> &theta, const mat<F> &x,
                                 const mat<F> &y, const reduction &r) -> vec<F> {
  return gradient<F>(m, theta, x, y, r);
};

const bool gelu_sum = register_gallery_case(
    {.info = {.name = "framework_activations_sum_for_mean",
              .title = "the summed loss's gradient where the mean's was asked for, in code whose "
                       "activations are a framework's approximations",
              .story = "A reduction='sum' left in a training step whose GELU, softplus and softsign "
                       "are PyTorch's (erf-form GELU, softplus returning z above 20) or a fast "
                       "approximation: the law verdict tells the averaging bug (N times too large) "
                       "from the functions' own errors, which it names without calling them bugs. "
                       "Fix: reduction='mean', or divide by N."},
     .bug = framework_subject("summed loss, framework activations",
                              []<class F>(const model &m, const vec<F> &theta, const mat<F> &x,
                                          const mat<F> &y, const reduction &) -> vec<F> {
                                return gradient<F>(m, theta, x, y, reduction::sum());
                              }),
     .twin = framework_subject("mean loss, framework activations", correct)});

/// The mean of per-example gradients by a loop over the first `count` examples (a per-example
/// loop with zero_grad), each weighted as the reduction asks.
template <class F>
vec<F> per_example_loop(const model &m, const vec<F> &theta, const mat<F> &x, const mat<F> &y,
                        const reduction &r, Eigen::Index count) {
  const std::vector<exact> c = r.coefficients(std::size_t(x.cols()));
  vec<F> g = vec<F>::Zero(theta.size());
  for (Eigen::Index i = 0; i < count; ++i)
    g += from_exact<F>(c[std::size_t(i)]) *
         gradient<F>(m, theta, mat<F>(x.col(i)), mat<F>(y.col(i)), reduction::sum());
  return g;
}

const bool last_dropped = register_gallery_case(
    {.info = {.name = "framework_activations_last_example_dropped",
              .title = "a per-example loop that stops one example short, in code whose "
                       "activations are a framework's approximations",
              .story = "An off-by-one in a per-example loop (range(len(batch) - 1)) divides by N "
                       "but sums N − 1 gradients. Fix: loop over every example."},
     .bug = framework_subject("per-example loop one short, framework activations",
                              []<class F>(const model &m, const vec<F> &theta, const mat<F> &x,
                                          const mat<F> &y, const reduction &r) -> vec<F> {
                                return per_example_loop<F>(m, theta, x, y, r, x.cols() - 1);
                              }),
     .twin = framework_subject("per-example loop, framework activations",
                               []<class F>(const model &m, const vec<F> &theta, const mat<F> &x,
                                           const mat<F> &y, const reduction &r) -> vec<F> {
                                 return per_example_loop<F>(m, theta, x, y, r, x.cols());
                               })});

} // namespace
} // namespace gallery
