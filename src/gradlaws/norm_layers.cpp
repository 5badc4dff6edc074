#include "gradlaws/norm_layers.hpp"

#include "gradlaws/dual.hpp"
#include "gradlaws/error.hpp"

#include <cmath>

namespace gradlaws {

std::string_view to_string(normalisation n) {
  switch (n) {
  case normalisation::none: return "none";
  case normalisation::batch_norm: return "batch_norm";
  case normalisation::layer_norm: return "layer_norm";
  case normalisation::batch_centring: return "batch_centring";
  }
  return "?";
}

std::vector<normalisation> normalisations() {
  return {normalisation::none, normalisation::batch_norm, normalisation::layer_norm,
          normalisation::batch_centring};
}

normalisation parse_normalisation(std::string_view name) {
  std::vector<std::string> known;
  for (normalisation n : normalisations()) {
    if (to_string(n) == name) return n;
    known.emplace_back(to_string(n));
  }
  throw unknown_name_error("normalisation", name, known);
}

bool couples_batch(normalisation n) {
  return n == normalisation::batch_norm || n == normalisation::batch_centring;
}

bool runs_on(normalisation n, rung r) {
  return r != rung::exact || n == normalisation::none || n == normalisation::batch_centring;
}

exact default_norm_epsilon() { return exact(1, 100000); }

namespace {

void require_width(std::size_t width, std::string_view what) {
  if (width == 0) throw dimension_error(std::string(what) + ": width must be positive");
}

void require_epsilon(const exact &epsilon, std::string_view what) {
  if (epsilon < 0)
    throw error(std::string(what) + ": ε = " + to_string(epsilon) + " is negative; ε must be ≥ 0");
}

std::vector<std::string> gamma_beta_names(std::size_t width, std::size_t index) {
  std::vector<std::string> out;
  const std::string k = std::to_string(index);
  for (const char *p : {"γ", "β"})
    for (std::size_t i = 0; i < width; ++i) out.push_back(p + k + "[" + std::to_string(i) + "]");
  return out;
}

std::string epsilon_words(const exact &epsilon) { return "ε = " + to_string(epsilon); }

template <class T> [[noreturn]] void needs_square_root(std::string_view what) {
  throw unsupported_rung_error(std::string(what) + " needs a square root, so it cannot run on the " +
                               std::string(to_string(scalar_traits<T>::kind)) +
                               " rung; use the high rung, or batch centring (rational) on the "
                               "exact rung");
}

// The statistics of one set of values a layer normalises together: x̂_k = (v_k - μ)/s with
// s = √(σ² + ε). BatchNorm and LayerNorm differ only in which values form a set.
template <class T> struct normalised {
  vec<T> hat;
  T scale;
};

template <class T>
normalised<T> normalise(const vec<T> &v, const exact &epsilon, const std::string &what) {
  using std::sqrt;
  const Eigen::Index n = v.size();
  T mean(0);
  for (Eigen::Index k = 0; k < n; ++k) mean += v[k];
  mean /= T(int(n));
  T var(0);
  for (Eigen::Index k = 0; k < n; ++k) var += (v[k] - mean) * (v[k] - mean);
  var /= T(int(n));
  const T den = var + from_exact<T>(epsilon);
  // `>` on intervals means certainly greater, on dual numbers it compares values: either way
  // a denominator that may be 0 is refused rather than divided by.
  if (!(den > T(0)))
    throw zero_variance_error(what + ": the " + std::to_string(n) +
                              (n == 1 ? " value has" : " values have") +
                              " zero variance and ε = 0, so (x - μ)/√(σ² + ε) is 0/0 (a batch of "
                              "one, or equal inputs); give ε > 0 or values that differ");
  normalised<T> out{vec<T>(n), sqrt(den)};
  for (Eigen::Index k = 0; k < n; ++k) out.hat[k] = (v[k] - mean) / out.scale;
  return out;
}

// ∂/∂v of Σ_k g_k x̂_k, where g = ∂/∂x̂: (g - mean(g) - x̂ · mean(g ⊙ x̂)) / s. The two means
// are the paths through μ and σ², which every value of the set shares.
template <class T> vec<T> normalise_backward(const normalised<T> &s, const vec<T> &g) {
  const Eigen::Index n = g.size();
  const T count = T(int(n));
  T mean_g(0), mean_gx(0);
  for (Eigen::Index k = 0; k < n; ++k) {
    mean_g += g[k];
    mean_gx += g[k] * s.hat[k];
  }
  mean_g /= count;
  mean_gx /= count;
  vec<T> out(n);
  for (Eigen::Index k = 0; k < n; ++k) out[k] = (g[k] - mean_g - s.hat[k] * mean_gx) / s.scale;
  return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// BatchNorm

batch_norm::batch_norm(std::size_t width, exact epsilon) : width_(width), epsilon_(std::move(epsilon)) {
  require_width(width, "BatchNorm");
  require_epsilon(epsilon_, "BatchNorm");
}

std::string batch_norm::describe() const {
  return "BatchNorm(" + std::to_string(width_) + ", " + epsilon_words(epsilon_) + ")";
}

std::vector<std::string> batch_norm::parameter_names(std::size_t index) const {
  return gamma_beta_names(width_, index);
}

template <class T> mat<T> batch_norm::forward_impl(const mat<T> &x, const T *p) const {
  if constexpr (is_exact_v<T>) {
    needs_square_root<T>(describe());
  } else {
    mat<T> y(x.rows(), x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const auto s = normalise<T>(vec<T>(x.row(i).transpose()), epsilon_,
                                  describe() + ", feature " + std::to_string(i) + " over the batch");
      for (Eigen::Index j = 0; j < x.cols(); ++j) y(i, j) = p[i] * s.hat[j] + p[Eigen::Index(width_) + i];
    }
    return y;
  }
}

template <class T>
mat<T> batch_norm::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  if constexpr (is_exact_v<T>) {
    needs_square_root<T>(describe());
  } else {
    mat<T> dx(x.rows(), x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const auto s = normalise<T>(vec<T>(x.row(i).transpose()), epsilon_,
                                  describe() + ", feature " + std::to_string(i) + " over the batch");
      vec<T> dhat(x.cols());
      for (Eigen::Index j = 0; j < x.cols(); ++j) {
        g[i] += up(i, j) * s.hat[j];
        g[Eigen::Index(width_) + i] += up(i, j);
        dhat[j] = p[i] * up(i, j);
      }
      dx.row(i) = normalise_backward(s, dhat).transpose();
    }
    return dx;
  }
}

// ---------------------------------------------------------------------------------------------
// LayerNorm

layer_norm::layer_norm(std::size_t width, exact epsilon) : width_(width), epsilon_(std::move(epsilon)) {
  require_width(width, "LayerNorm");
  require_epsilon(epsilon_, "LayerNorm");
}

std::string layer_norm::describe() const {
  return "LayerNorm(" + std::to_string(width_) + ", " + epsilon_words(epsilon_) + ")";
}

std::vector<std::string> layer_norm::parameter_names(std::size_t index) const {
  return gamma_beta_names(width_, index);
}

template <class T> mat<T> layer_norm::forward_impl(const mat<T> &x, const T *p) const {
  if constexpr (is_exact_v<T>) {
    needs_square_root<T>(describe());
  } else {
    mat<T> y(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const auto s = normalise<T>(vec<T>(x.col(j)), epsilon_,
                                  describe() + ", example " + std::to_string(j + 1));
      for (Eigen::Index i = 0; i < x.rows(); ++i) y(i, j) = p[i] * s.hat[i] + p[Eigen::Index(width_) + i];
    }
    return y;
  }
}

template <class T>
mat<T> layer_norm::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  if constexpr (is_exact_v<T>) {
    needs_square_root<T>(describe());
  } else {
    mat<T> dx(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const auto s = normalise<T>(vec<T>(x.col(j)), epsilon_,
                                  describe() + ", example " + std::to_string(j + 1));
      vec<T> dhat(x.rows());
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        g[i] += up(i, j) * s.hat[i];
        g[Eigen::Index(width_) + i] += up(i, j);
        dhat[i] = p[i] * up(i, j);
      }
      dx.col(j) = normalise_backward(s, dhat);
    }
    return dx;
  }
}

// ---------------------------------------------------------------------------------------------
// Batch centring

batch_centring::batch_centring(std::size_t width) : width_(width) {
  require_width(width, "batch centring");
}

std::string batch_centring::describe() const {
  return "BatchCentring(" + std::to_string(width_) + ")";
}

std::vector<std::string> batch_centring::parameter_names(std::size_t index) const {
  return gamma_beta_names(width_, index);
}

template <class T> mat<T> batch_centring::forward_impl(const mat<T> &x, const T *p) const {
  mat<T> y(x.rows(), x.cols());
  const T n = T(int(x.cols()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    T mean(0);
    for (Eigen::Index j = 0; j < x.cols(); ++j) mean += x(i, j);
    mean /= n;
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      y(i, j) = p[i] * (x(i, j) - mean) + p[Eigen::Index(width_) + i];
  }
  return y;
}

template <class T>
mat<T> batch_centring::backward_impl(const mat<T> &x, const T *p, const mat<T> &up, T *g) const {
  mat<T> dx(x.rows(), x.cols());
  const T n = T(int(x.cols()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    T mean(0), mean_up(0);
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      mean += x(i, j);
      mean_up += up(i, j);
    }
    mean /= n;
    mean_up /= n;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      g[i] += up(i, j) * (x(i, j) - mean);
      g[Eigen::Index(width_) + i] += up(i, j);
      // Every example's input moves the shared mean: each output pays back its share.
      dx(i, j) = p[i] * (up(i, j) - mean_up);
    }
  }
  return dx;
}

// ---------------------------------------------------------------------------------------------

std::shared_ptr<const layer> make_normalisation(normalisation n, std::size_t width, exact epsilon) {
  switch (n) {
  case normalisation::batch_norm: return std::make_shared<batch_norm>(width, std::move(epsilon));
  case normalisation::layer_norm: return std::make_shared<layer_norm>(width, std::move(epsilon));
  case normalisation::batch_centring: return std::make_shared<batch_centring>(width);
  case normalisation::none: break;
  }
  throw error("make_normalisation: 'none' is not a layer");
}

model make_normalised_mlp(std::size_t input, const std::vector<std::size_t> &widths,
                          const std::vector<std::string> &activations, std::size_t output,
                          std::string_view loss_name, normalisation n) {
  if (n == normalisation::none) return make_mlp(input, widths, activations, output, loss_name);
  if (activations.size() != widths.size())
    throw dimension_error("make_normalised_mlp: " + std::to_string(widths.size()) +
                          " hidden widths but " + std::to_string(activations.size()) +
                          " activations");
  std::vector<std::shared_ptr<const layer>> layers;
  std::size_t w = input;
  for (std::size_t k = 0; k < widths.size(); ++k) {
    layers.push_back(std::make_shared<dense>(w, widths[k]));
    layers.push_back(make_normalisation(n, widths[k]));
    layers.push_back(std::make_shared<activation_layer>(widths[k], find_activation(activations[k])));
    w = widths[k];
  }
  layers.push_back(std::make_shared<dense>(w, output));
  return model(input, std::move(layers), find_loss(loss_name));
}

vec<exact> initial_parameters(const model &m) {
  vec<exact> theta = vec<exact>::Constant(Eigen::Index(m.parameter_count()), exact(0));
  for (std::size_t k = 0; k < m.layers().size(); ++k)
    if (const auto *norm = dynamic_cast<const normalisation_layer *>(m.layers()[k].get()))
      for (std::size_t i = 0; i < norm->width(); ++i) theta[Eigen::Index(m.offsets()[k] + i)] = 1;
  return theta;
}

#define GRADLAWS_INSTANTIATE_NORM(T)                                                          \
  template mat<T> batch_norm::forward_impl<T>(const mat<T> &, const T *) const;               \
  template mat<T> layer_norm::forward_impl<T>(const mat<T> &, const T *) const;               \
  template mat<T> batch_centring::forward_impl<T>(const mat<T> &, const T *) const;
#define GRADLAWS_INSTANTIATE_NORM_BACKWARD(T)                                                 \
  template mat<T> batch_norm::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *) \
      const;                                                                                  \
  template mat<T> layer_norm::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *) \
      const;                                                                                  \
  template mat<T> batch_centring::backward_impl<T>(const mat<T> &, const T *, const mat<T> &,  \
                                                   T *) const;
GRADLAWS_FORWARD_SCALARS(GRADLAWS_INSTANTIATE_NORM)
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_INSTANTIATE_NORM_BACKWARD)

} // namespace gradlaws
