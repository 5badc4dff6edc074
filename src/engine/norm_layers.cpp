#include "gradlaws/norm_layers.hpp"

#include "gradlaws/adjoint.hpp"
#include "gradlaws/detail/registry.hpp"
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

namespace detail {
void require_width(std::size_t width, std::string_view layer) {
  if (width == 0) throw dimension_error(std::string(layer) + ": width must be positive");
}

std::vector<std::string> gamma_beta_names(std::size_t width, std::size_t index) {
  std::vector<std::string> out;
  const std::string k = std::to_string(index);
  for (const char *p : {"γ", "β"})
    for (std::size_t i = 0; i < width; ++i) out.push_back(p + k + "[" + std::to_string(i) + "]");
  return out;
}

void require_epsilon(const exact &epsilon, std::string_view layer) {
  if (epsilon < 0)
    throw error(std::string(layer) + ": ε = " + to_string(epsilon) + " is negative; ε must be ≥ 0");
}

std::string normalisation_words(std::string_view label, std::size_t width, const exact *epsilon) {
  return std::string(label) + "(" + std::to_string(width) +
         (epsilon ? ", ε = " + to_string(*epsilon) : std::string()) + ")";
}
} // namespace detail

std::shared_ptr<const layer> make_normalisation(normalisation n, std::size_t width, exact epsilon) {
  switch (n) {
  case normalisation::batch_norm: return std::make_shared<batch_norm>(width, std::move(epsilon));
  case normalisation::layer_norm: return std::make_shared<layer_norm>(width, std::move(epsilon));
  case normalisation::batch_centring: return std::make_shared<batch_centring>(width);
  case normalisation::none: break;
  }
  throw error("make_normalisation: 'none' is not a layer");
}

model make_layered_mlp(std::size_t input, const std::vector<std::size_t> &widths,
                       const std::vector<std::string> &activations, std::size_t output,
                       std::string_view loss_name, const layer_kind *kind) {
  if (!kind) return make_mlp(input, widths, activations, output, loss_name);
  if (activations.size() != widths.size())
    throw dimension_error("make_layered_mlp: " + std::to_string(widths.size()) +
                          " hidden widths but " + std::to_string(activations.size()) +
                          " activations");
  std::vector<std::shared_ptr<const layer>> layers;
  std::size_t w = input;
  for (std::size_t k = 0; k < widths.size(); ++k) {
    layers.push_back(std::make_shared<dense>(w, widths[k]));
    layers.push_back(kind->make(widths[k]));
    layers.push_back(std::make_shared<activation_layer>(widths[k], find_activation(activations[k])));
    w = widths[k];
  }
  layers.push_back(std::make_shared<dense>(w, output));
  return model(input, std::move(layers), find_loss(loss_name));
}

model make_normalised_mlp(std::size_t input, const std::vector<std::size_t> &widths,
                          const std::vector<std::string> &activations, std::size_t output,
                          std::string_view loss_name, normalisation n) {
  return make_layered_mlp(input, widths, activations, output, loss_name,
                          n == normalisation::none ? nullptr : &find_layer(to_string(n)));
}

vec<exact> initial_parameters(const model &m) {
  vec<exact> theta(Eigen::Index(m.parameter_count()));
  for (std::size_t k = 0; k < m.layers().size(); ++k)
    for (std::size_t i = 0; i < m.layers()[k]->parameter_count(); ++i)
      theta[Eigen::Index(m.offsets()[k] + i)] = m.layers()[k]->initial_parameter(i);
  return theta;
}

} // namespace gradlaws

namespace gradlaws {
// The normalisation layers' per-scalar virtuals, compiled here once; their formulas are
// compiled once per rung (rungs/).
template class layer_base<batch_norm>;
template class layer_base<layer_norm>;
template class layer_base<batch_centring>;
} // namespace gradlaws

namespace gradlaws {

layer_kind::layer_kind(std::string name, std::string description,
                       std::function<std::shared_ptr<const layer>(std::size_t)> make)
    : name_(std::move(name)), description_(std::move(description)), make_(std::move(make)) {
  if (!make_) throw error("layer kind '" + name_ + "' has no factory");
  sample_ = make_(2);
  if (!sample_ || sample_->in_dim() != 2 || sample_->out_dim() != 2)
    throw error("layer kind '" + name_ + "': make(2) must give a layer of width 2 → 2");
  coupled_ = sample_->batch_coupled();
}

namespace {
detail::registry<layer_kind> &layer_table() {
  static detail::registry<layer_kind> r = [] {
    detail::registry<layer_kind> t("layer");
    const auto add = [&t](normalisation n, std::string description) {
      t.add(std::make_unique<layer_kind>(std::string(to_string(n)), std::move(description),
                                         [n](std::size_t w) { return make_normalisation(n, w); }));
    };
    add(normalisation::batch_norm, "BatchNorm in training mode: γ (x - μ_B)/√(σ²_B + ε) + β "
                                   "over the batch, per feature (couples the examples); a batch "
                                   "of one has no variance, so with ε > 0 it normalises to 0 "
                                   "(PyTorch refuses it in training mode)");
    add(normalisation::layer_norm, "LayerNorm: γ (x - μ)/√(σ² + ε) + β over each example's "
                                   "features");
    add(normalisation::batch_centring, "batch centring: γ (x - μ_B) + β (BatchNorm's coupling, "
                                       "rational)");
    return t;
  }();
  return r;
}
} // namespace

bool register_layer(std::string name, std::string description,
                    std::function<std::shared_ptr<const layer>(std::size_t)> make) {
  layer_table().add(std::make_unique<layer_kind>(std::move(name), std::move(description),
                                                 std::move(make)));
  return true;
}

const layer_kind &find_layer(std::string_view name) { return layer_table().find(name); }

std::vector<const layer_kind *> layer_kinds() { return layer_table().all(); }

} // namespace gradlaws
