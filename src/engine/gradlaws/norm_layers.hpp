#pragma once
// Normalisation layers. Each normalises a set of values to mean 0 (and, except batch
// centring, variance 1), then scales and shifts by learnable γ and β (one pair per feature;
// θ holds the γs, then the βs):
//
//   layer            normalises over                 formula                          rungs
//   BatchNorm        the batch, per feature          γ (x - μ_B)/√(σ²_B + ε) + β      high, machine
//   LayerNorm        the features, per example       γ (x - μ_ex)/√(σ²_ex + ε) + β    high, machine
//   batch centring   the batch, per feature          γ (x - μ_B) + β                  every rung
//
// BatchNorm is in training mode: μ_B and σ²_B are the statistics of the batch the forward
// pass sees, so one example's output depends on the others (batch_coupled() is true). Batch
// centring keeps exactly that coupling without the square root, so the coupling laws run on
// the exact rung too. LayerNorm never looks across examples.
//
// With ε = 0 a set of values without spread (a batch of one, equal inputs) has no normalised
// value; the forward pass throws zero_variance_error instead of dividing 0 by 0.

#include "gradlaws/layer.hpp"
#include "gradlaws/model.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// The normalisation layers gradlaws knows, as a generator option (gen::problem_options).
enum class normalisation { none, batch_norm, layer_norm, batch_centring };

/// "none", "batch_norm", "layer_norm" or "batch_centring".
std::string_view to_string(normalisation n);
/// Parses a normalisation name; throws unknown_name_error listing the valid ones.
normalisation parse_normalisation(std::string_view name);
/// Every normalisation, none first.
std::vector<normalisation> normalisations();
/// True for the layers whose output for one example depends on the rest of the batch.
bool couples_batch(normalisation n);
/// True when the layer's formulas run on rung r (BatchNorm and LayerNorm need √: not exact).
bool runs_on(normalisation n, rung r);

/// ε of generated BatchNorm and LayerNorm layers: 1/100000, PyTorch's default 1e-5 as an
/// exact fraction.
exact default_norm_epsilon();

/// What every normalisation layer shares: its kind and its width.
class normalisation_layer {
public:
  virtual ~normalisation_layer() = default;
  virtual normalisation type() const = 0;
  virtual std::size_t width() const = 0;
};

namespace detail {
/// "γ1[0]", …, "β1[0]", …: the parameter names of a normalisation layer.
std::vector<std::string> gamma_beta_names(std::size_t width, std::size_t index);
/// Throws dimension_error for a width of 0, gradlaws::error for ε < 0, naming the layer.
void require_width(std::size_t width, std::string_view layer);
void require_epsilon(const exact &epsilon, std::string_view layer);
/// "BatchNorm(2, ε = 1/100000)", or "BatchCentring(2)" without ε.
std::string normalisation_words(std::string_view label, std::size_t width, const exact *epsilon);
} // namespace detail

/// The members the normalisation layers share: a width, one γ and one β per feature (θ holds
/// the γs, then the βs; γ starts at 1), ε where the layer divides by a spread, and the
/// coupling and rungs of their kind Kind.
template <class Derived, normalisation Kind>
class normalisation_base : public layer_base<Derived>, public normalisation_layer {
public:
  std::string describe() const override {
    return detail::normalisation_words(label_, width_, Kind == normalisation::batch_centring ? nullptr : &epsilon_);
  }
  /// ε (0 for batch centring, which divides by nothing).
  const exact &epsilon() const { return epsilon_; }
  std::string kind() const override { return "norm"; }
  std::size_t in_dim() const override { return width_; }
  std::size_t out_dim() const override { return width_; }
  std::size_t parameter_count() const override { return 2 * width_; }
  std::vector<std::string> parameter_names(std::size_t index) const override {
    return detail::gamma_beta_names(width_, index);
  }
  exact initial_parameter(std::size_t index) const override { return exact(index < width_ ? 1 : 0); }
  bool batch_coupled() const override { return couples_batch(Kind); }
  bool supports(rung r) const override { return runs_on(Kind, r); }
  normalisation type() const override { return Kind; }
  std::size_t width() const override { return width_; }

protected:
  normalisation_base(std::size_t width, std::string_view label, exact epsilon = exact(0))
      : width_(width), label_(label), epsilon_(std::move(epsilon)) {
    detail::require_width(width, label);
    detail::require_epsilon(epsilon_, label);
  }
  std::size_t width_;

private:
  std::string_view label_;
  exact epsilon_;
};

/// BatchNorm in training mode: y_ij = γ_i (x_ij - μ_i)/√(σ²_i + ε) + β_i, with μ_i and σ²_i
/// the mean and (biased) variance of feature i over the batch.
class batch_norm final : public normalisation_base<batch_norm, normalisation::batch_norm> {
public:
  /// ε ≥ 0; with ε = 0 a feature without spread over the batch throws zero_variance_error.
  explicit batch_norm(std::size_t width, exact epsilon = exact(0))
      : normalisation_base(width, "BatchNorm", std::move(epsilon)) {}

  template <class T> mat<T> forward_impl(const mat<T> &x, const T *params) const;
  template <class T>
  mat<T> backward_impl(const mat<T> &x, const T *params, const mat<T> &upstream,
                       T *param_grad) const;
};

/// LayerNorm: y_ij = γ_i (x_ij - μ_j)/√(σ²_j + ε) + β_i, with μ_j and σ²_j the mean and
/// (biased) variance of example j's features. Not batch coupled.
class layer_norm final : public normalisation_base<layer_norm, normalisation::layer_norm> {
public:
  /// ε ≥ 0; with ε = 0 an example whose features are all equal (or a width of 1) throws
  /// zero_variance_error.
  explicit layer_norm(std::size_t width, exact epsilon = exact(0))
      : normalisation_base(width, "LayerNorm", std::move(epsilon)) {}

  template <class T> mat<T> forward_impl(const mat<T> &x, const T *params) const;
  template <class T>
  mat<T> backward_impl(const mat<T> &x, const T *params, const mat<T> &upstream,
                       T *param_grad) const;
};

/// Batch centring: y_ij = γ_i (x_ij - μ_i) + β_i, μ_i the mean of feature i over the batch.
/// BatchNorm's coupling without its square root: rational, so it runs on the exact rung.
class batch_centring final
    : public normalisation_base<batch_centring, normalisation::batch_centring> {
public:
  explicit batch_centring(std::size_t width) : normalisation_base(width, "BatchCentring") {}

  template <class T> mat<T> forward_impl(const mat<T> &x, const T *params) const;
  template <class T>
  mat<T> backward_impl(const mat<T> &x, const T *params, const mat<T> &upstream,
                       T *param_grad) const;
};

/// A normalisation layer of the given kind and width (ε ignored by batch centring); throws
/// gradlaws::error for normalisation::none.
std::shared_ptr<const layer> make_normalisation(normalisation n, std::size_t width,
                                                exact epsilon = default_norm_epsilon());

/// A layer kind of the layer registry: a width-preserving layer a generator can put after a
/// hidden affine layer, built by `make(width)`. The built-ins are the normalisation layers;
/// register_layer adds a user's own from any linked source file, and every law whose domain
/// admits it draws it into models. What a law needs to know of a kind (does it couple the
/// examples of a batch, which rungs it runs on) is read off a layer it makes.
class layer_kind {
public:
  layer_kind(std::string name, std::string description,
             std::function<std::shared_ptr<const layer>(std::size_t width)> make);
  const std::string &name() const { return name_; }
  const std::string &description() const { return description_; }
  std::shared_ptr<const layer> make(std::size_t width) const { return make_(width); }
  bool batch_coupled() const { return coupled_; }
  bool supports(rung r) const { return sample_->supports(r); }

private:
  std::string name_, description_;
  std::function<std::shared_ptr<const layer>(std::size_t)> make_;
  std::shared_ptr<const layer> sample_;
  bool coupled_ = false;
};

/// Adds a layer kind; throws gradlaws::error if the name is taken. Returns true (for a static
/// registration in any linked source file).
bool register_layer(std::string name, std::string description,
                    std::function<std::shared_ptr<const layer>(std::size_t width)> make);
/// Looks up a layer kind; throws unknown_name_error listing the registered names.
const layer_kind &find_layer(std::string_view name);
/// Every registered layer kind, built-ins first.
std::vector<const layer_kind *> layer_kinds();

/// make_mlp with a layer of the given kind after every hidden affine layer, before its
/// activation: Dense → layer → σ → … → Dense. With no kind it is make_mlp.
model make_layered_mlp(std::size_t input, const std::vector<std::size_t> &widths,
                       const std::vector<std::string> &activations, std::size_t output,
                       std::string_view loss_name, const layer_kind *kind);
/// make_layered_mlp with the normalisation layer n (none: make_mlp).
model make_normalised_mlp(std::size_t input, const std::vector<std::size_t> &widths,
                          const std::vector<std::string> &activations, std::size_t output,
                          std::string_view loss_name, normalisation n);

/// The conventional initialisation of m's parameters (layer::initial_parameter): γ = 1 in
/// normalisation layers, every other parameter 0. Generators draw θ as small offsets from it, so shrinking heads for
/// γ = 1, β = 0.
vec<exact> initial_parameters(const model &m);

// The formulas are compiled once per rung (src/engine/rungs/).
extern template class layer_base<batch_norm>;
extern template class layer_base<layer_norm>;
extern template class layer_base<batch_centring>;
#define GRADLAWS_NORM_FORWARD(PREFIX, T)                                                      \
  PREFIX mat<T> batch_norm::forward_impl<T>(const mat<T> &, const T *) const;                 \
  PREFIX mat<T> layer_norm::forward_impl<T>(const mat<T> &, const T *) const;                 \
  PREFIX mat<T> batch_centring::forward_impl<T>(const mat<T> &, const T *) const;
#define GRADLAWS_NORM_BACKWARD(PREFIX, T)                                                     \
  PREFIX mat<T> batch_norm::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *)   \
      const;                                                                                  \
  PREFIX mat<T> layer_norm::backward_impl<T>(const mat<T> &, const T *, const mat<T> &, T *)   \
      const;                                                                                  \
  PREFIX mat<T> batch_centring::backward_impl<T>(const mat<T> &, const T *, const mat<T> &,    \
                                                 T *) const;
#define GRADLAWS_EXTERN_NORM(T) GRADLAWS_NORM_FORWARD(extern template, T)
#define GRADLAWS_EXTERN_NORM_BACKWARD(T) GRADLAWS_NORM_BACKWARD(extern template, T)
GRADLAWS_FORWARD_SCALARS(GRADLAWS_EXTERN_NORM)
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_EXTERN_NORM_BACKWARD)
#undef GRADLAWS_EXTERN_NORM
#undef GRADLAWS_EXTERN_NORM_BACKWARD

} // namespace gradlaws
