#include "gradlaws/registries.hpp"

#include "gradlaws/activation.hpp"
#include "gradlaws/loss.hpp"
#include "gradlaws/norm_layers.hpp"
#include "gradlaws/strategy.hpp"

namespace gradlaws {

namespace {

/// What a built-in loss sums and how that compares with PyTorch's default reduction (the mean
/// over every element); "" for a loss registered by a user.
std::string loss_convention(const std::string &name) {
  if (name == "mse")
    return "a loss sums over its outputs and J = (1/N) Σ_i L_i averages over the examples, so ∇J "
           "is d_out × that of PyTorch's default mse_loss, which averages over all N·d_out elements";
  if (name == "linear") return "sums over its outputs";
  if (name == "absolute") return "sums over its outputs: d_out × PyTorch's default l1_loss";
  if (name == "huber") return "sums over its outputs: d_out × PyTorch's default huber_loss (δ = 1)";
  if (name == "bce_logits")
    return "sums over its outputs: d_out × PyTorch's default binary_cross_entropy_with_logits";
  if (name == "softmax_ce")
    return "sums over the classes, as PyTorch's cross_entropy does (J: the same, a mean over the "
           "examples)";
  return "";
}

} // namespace

std::vector<registry_listing> registry_listings() {
  std::vector<registry_listing> out;
  registry_listing a{"activations", {}};
  for (const activation *x : activations()) {
    std::string rungs = x->supports(rung::exact) ? "exact, high" : "high";
    a.entries.emplace_back(x->name(), "σ(z) = " + x->info().formula + ", σ′(z) = " +
                                          x->info().derivative + "  [" + rungs + "]" +
                                          (x->name() == "softplus"
                                               ? "; computed exactly, with no threshold "
                                                 "(PyTorch's softplus returns z above z = 20)"
                                               : ""));
  }
  out.push_back(std::move(a));
  registry_listing l{"losses", {}};
  for (const loss *x : losses()) {
    const std::string convention = loss_convention(x->name());
    l.entries.emplace_back(x->name(), "L(ŷ, y) = " + x->info().formula + "  [" +
                                          (x->supports(rung::exact) ? "exact, high" : "high") + "]" +
                                          (convention.empty() ? "" : "; " + convention));
  }
  out.push_back(std::move(l));
  registry_listing y{"layers", {}};
  for (const layer_kind *x : layer_kinds()) y.entries.emplace_back(x->name(), x->description());
  out.push_back(std::move(y));
  registry_listing s{"strategies", {}};
  for (const strategy *x : strategies())
    s.entries.emplace_back(x->name(), std::string(to_string(x->info().family)) + ": " +
                                          x->info().formula);
  out.push_back(std::move(s));
  return out;
}

} // namespace gradlaws
