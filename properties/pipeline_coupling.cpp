// Batch-coupled layers. BatchNorm in training mode (and batch centring, its rational
// skeleton) makes one example's loss depend on the others, so isolated per-example passes
// and micro-batch passes no longer assemble the batch gradient, and the coupling detector
// finds a two-example witness. LayerNorm and plain MLPs couple nothing.

#include "pipeline_cases.hpp"

#include <algorithm>

namespace gradlaws::props {
namespace {

// The Huber loss makes the design's numbers come out: on |ŷ - y| ≤ 1 it is (ŷ - y)²/2, whose
// gradient ŷ - y is the normalised value itself when γ = 1, β = 0 and y = 0.
const std::string coupled_loss = "huber";

rc::Gen<model> coupled_models(const layer_axes &v) {
  return gen::around_layer(*v.layer, v.on, coupled_loss);
}

rc::Gen<model> uncoupled_models(const layer_axes &v) {
  return gen::models(pipeline_options(v.on, v.layer));
}

// The layer alone at its initialisation (γ = 1, β = 0) with every target 0: the shape every
// coupling witness shrinks to.
std::string bare_layer_shape(const problem &p) {
  if (p.m.layers().size() != 1)
    return "model " + p.m.describe() + " instead of the batch-coupled layer alone";
  if (p.theta != initial_parameters(p.m))
    return "θ = " + to_string(p.theta) + " instead of γ = 1, β = 0";
  if (!(p.y.array() == exact(0)).all()) return "targets " + list_string(row_values(p.y)) + " instead of 0";
  return "";
}

std::vector<exact> sorted(std::vector<exact> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string epsilon_note() {
  return "ε = " + to_string(default_norm_epsilon()) + " (PyTorch's 1e-5)";
}

/// The cases of a layer variant: the layouts with their data, on the models `models` draws
/// for the variant's layer kind and rung, computed by the strategy `tested` against batched
/// backprop.
case_generator<pipeline_problem> layer_cases(drawn_layouts d,
                                             rc::Gen<model> (*models)(const layer_axes &),
                                             const std::string &tested) {
  return [d = std::move(d), models, s = &find_strategy(tested)](const variant &v) {
    const auto nv = layer_of(v);
    return pipeline_problems(d.layouts, d.max_items, models(nv), nv.on, *s);
  };
}

/// The cases of the coupling detector on a layer variant: batches of at most `max_batch`
/// examples on the models `models` draws for the variant's layer kind and rung.
case_generator<coupling_problem> probe_cases(rc::Gen<model> (*models)(const layer_axes &),
                                             std::size_t max_batch) {
  return [models, max_batch](const variant &v) {
    const auto nv = layer_of(v);
    return coupling_problems(models(nv), nv.on, max_batch);
  };
}

/// K ≥ 2 micro-batches of b ≥ 2 examples: BatchNorm training needs more than one value per
/// micro-batch (PyTorch refuses one).
rc::Gen<layout> equal_halves() {
  return rc::gen::apply(
      [](std::size_t k, std::size_t b) { return layout::split(std::vector<std::size_t>(k, b)); },
      gen::count(2, 3), gen::count(2, 3));
}

const bool isolated = register_fallacy(
    make_fallacy<pipeline_subject, pipeline_problem>(
        {.name = "batchnorm_isolated_examples",
         .kind = entry_kind::fallacy,
         .family = "batch coupling",
         .claim = "with a BatchNorm layer, averaging the gradients of isolated per-example passes "
                  "gives the batch gradient",
         .formula = "(1/N) Σ_i ∇L_i(x_i alone) = ∇J(x_1..N)",
         .lhs = "mean of isolated per-example backprops (per_example_mean)",
         .rhs = "batched backprop of J (batched_mean)",
         .expected_shape =
             "two examples x = {0, 1}, the normalisation layer alone at γ = 1, β = 0, Huber loss, "
             "targets 0: ∂J/∂γ is 0 from isolated passes (alone, x̂ = 0) against 1/(1 + 4ε) ≈ "
             "0.99996 in the batch (x̂ = ∓1/√(1 + 4ε)); 1/4 with batch centring",
         .explanation =
             "in training mode BatchNorm normalises with the statistics of the batch its forward "
             "pass sees, so L_i depends on every example and ∇L_i(x_i alone) is not the i-th piece "
             "of ∇J: alone, x̂ = (x - x)/√ε = 0 and γ gets no gradient; in the batch x̂ = ∓1/√(1+4ε). "
             "The weights agree ([1/2, 1/2] both); the forward passes differ. The design's "
             "x = {0, 2} gives ∂J/∂γ = 1/(1 + ε) in the batch; the shrinker reaches the smaller "
             "x = {0, 1}, the same witness up to BatchNorm's scale invariance. ε = 0 would make the "
             "batch value exactly 1 but an isolated pass 0/0, so the layers use " +
             epsilon_note() + ".",
         .domain = layer_domain(coupled_layers())},
        layer_cases({gen::equal_split(1, 3), 3}, coupled_models, "per_example_mean"),
        pipeline_law_sides,
        [](const pipeline_problem &p, const verdict &) {
          if (auto s = bare_layer_shape(p); !s.empty()) return s;
          return expect_values("x", sorted(row_values(p.x)), {exact(0), exact(1)});
        }),
    {.name = "layernorm_isolated_examples",
     .claim = "without a batch-coupled layer (LayerNorm included), the mean of isolated "
              "per-example backprops is the batch gradient",
     .formula = "no coupling  ⇒  (1/N) Σ_i ∇L_i(x_i alone) = ∇J(x_1..N)",
     .explanation = "LayerNorm normalises each example over its own features, so L_i depends on "
                    "example i alone and linearity does the rest",
     .cases = layer_cases({gen::equal_split(1, 4), 4}, uncoupled_models, "per_example_mean"),
     .domain = layer_domain(uncoupled_layers(), true)},
    fixed_strategy(find_strategy("per_example_mean")));

const bool accumulation = register_fallacy(
    make_fallacy<pipeline_subject, pipeline_problem>(
        {.name = "batchnorm_accumulation",
         .kind = entry_kind::fallacy,
         .family = "batch coupling",
         .claim = "with a BatchNorm layer, gradient accumulation over equal micro-batches (weighted "
                  "correctly) gives the full-batch gradient",
         .formula = "Σ_k (n_k/N) ∇J_k = ∇J   with BatchNorm statistics per micro-batch",
         .lhs = "accumulated micro-batch gradients (accumulate_weighted)",
         .rhs = "batched backprop of J (batched_mean)",
         .expected_shape =
             "four examples split (2, 2), the normalisation layer alone at γ = 1, β = 0, Huber "
             "loss, targets 0, x three 0s and one 1: one micro-batch has no spread, so its x̂ = 0",
         .explanation =
             "each micro-batch normalises with its own mean and variance, not the full batch's, so "
             "the examples' normalised values — and every gradient through them — change with the "
             "split even though the weights are right ([1/4]·4 both). With x = {0, 0, 0, 1} in "
             "halves, ∂J/∂γ is 1/(2(1 + 4ε)) ≈ 1/2 accumulated against (1 + √3)/4 ≈ 0.683 "
             "(BatchNorm; 1/8 against 3/16 with batch centring). The design's x = {0, 2, 4, 6} "
             "(each half's x̂ = ∓1, the batch's x̂ = (∓3, ∓1)/√5) is another witness; the shrinker "
             "reaches the smaller one. Only a micro-batch that is the full batch, or a layer "
             "without coupling (boundary law layernorm_accumulation), restores the equality.",
         .domain = layer_domain(coupled_layers())},
        layer_cases({equal_halves(), 9}, coupled_models, "accumulate_weighted"),
        pipeline_law_sides,
        [](const pipeline_problem &p, const verdict &) {
          if (auto s = layout_shape(p, {2, 2}); !s.empty()) return s;
          if (auto s = bare_layer_shape(p); !s.empty()) return s;
          return expect_values("x (sorted)", sorted(row_values(p.x)),
                               {exact(0), exact(0), exact(0), exact(1)});
        }),
    {.name = "layernorm_accumulation",
     .claim = "without a batch-coupled layer (LayerNorm included), correctly weighted "
              "accumulation over any split gives the full-batch gradient",
     .formula = "no coupling  ⇒  Σ_k (n_k/N) ∇J_k = ∇J",
     .explanation = "per-example normalisation sees no other example, so a micro-batch's forward "
                    "pass gives each example the same loss as the full batch's",
     .cases = layer_cases({gen::any_split(4, gen::masking::none), 4}, uncoupled_models,
                          "accumulate_weighted"),
     .domain = layer_domain(uncoupled_layers())},
    fixed_strategy(find_strategy("accumulate_weighted")));

template <class T> sides<T> probe_sides(const gradient_subject &g, const coupling_problem &p) {
  const auto l = lift<T>(p);
  return coupling_probe<T>(p.m, l.theta, l.x, l.y, Eigen::Index(p.observed),
                           Eigen::Index(p.perturbed), lift<T>(p.delta), on<T>(g));
}

const bool coupled = register_fallacy(
    make_fallacy<gradient_subject, coupling_problem>(
        {.name = "batchnorm_examples_independent",
         .kind = entry_kind::fallacy,
         .family = "batch coupling",
         .claim = "with a BatchNorm layer, moving one example of the batch leaves the other "
                  "examples' gradients (computed in the batch) unchanged",
         .formula = "∇_θ L_i(x_1..x_j + δ..x_N) = ∇_θ L_i(x_1..x_N) for i ≠ j",
         .lhs = "∇L_i in the batch after moving x_j",
         .rhs = "∇L_i in the batch",
         .expected_shape =
             "two examples x = {0, 0}, move x_2 by δ = 1 and watch example 1; the normalisation "
             "layer alone at γ = 1, β = 0, Huber loss, targets 0: ∇L_1 goes from [0, 0] to "
             "[1/(1+4ε), -1/√(1+4ε)] ≈ [0.99996, -0.99998] ([1/4, -1/2] with batch centring)",
         .explanation =
             "the coupling detector's witness: example 1's normalised value depends on example 2 "
             "through the batch mean and variance, so example 2 moving from 0 to 1 turns x̂_1 from 0 "
             "into about -1. Per-example gradients of a coupled model are not a property of the "
             "example; uses of them (per-example clipping, importance weights, gradient noise "
             "estimates) see the batch.",
         .domain = layer_domain(coupled_layers())},
        probe_cases(coupled_models, 3),
        []<class T>(const gradient_subject &g, const coupling_problem &p) { return probe_sides<T>(g, p); },
        [](const coupling_problem &p, const verdict &) {
          if (auto s = bare_layer_shape(p); !s.empty()) return s;
          if (auto s = expect_values("x", row_values(p.x), {exact(0), exact(0)}); !s.empty()) return s;
          if (p.observed != 0 || p.perturbed != 1)
            return "watching example " + std::to_string(p.observed + 1) + " and moving example " +
                   std::to_string(p.perturbed + 1) + " instead of 1 and 2";
          return expect_values("δ", {p.delta[0]}, {exact(1)});
        }),
    {.name = "no_batch_coupling",
     .claim = "without a batch-coupled layer (LayerNorm included), moving one example leaves "
              "every other example's gradient unchanged: the coupling detector finds nothing",
     .formula = "no coupling  ⇒  ∇_θ L_i(x_1..x_j + δ..x_N) = ∇_θ L_i(x_1..x_N) for i ≠ j",
     .explanation = "L_i depends on θ and (x_i, y_i) only",
     .cases = probe_cases(uncoupled_models, 4),
     .domain = layer_domain(uncoupled_layers(), true)},
    builtin_gradient_subject);

const bool norm_oracle = register_law(
    make_law<gradient_subject, problem>(
        {.name = "normalisation_oracle_agreement",
         .kind = entry_kind::law,
         .family = "batch coupling",
         .claim = "batched backprop through every registered layer kind (BatchNorm, LayerNorm, "
                  "batch centring, and any layer registered with register_layer) equals "
                  "reverse-mode differentiation of J",
         .formula = "backprop ∇J(θ) = (∂J/∂θ_k)_k by reverse mode, through batch statistics",
         .lhs = "batched backprop of J",
         .rhs = "reverse-mode oracle ∇J",
         .explanation = "the hand-written backward of each layer (the paths through μ and σ² "
                        "included) agrees with the derivative of its forward pass recorded and swept back",
         .domain = [] {
           law_domain d = layer_domain(selection<layer_kind>::all());
           d.formats.clear(); // the oracle runs on exact and high values only
           d.holds_under_coupling = true;
           return d;
         }()},
        [](const variant &v) {
          const auto nv = layer_of(v);
          return gen::problems(pipeline_options(nv.on, nv.layer));
        },
        oracle_sides),
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
