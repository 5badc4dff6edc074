#pragma once
// What a law ranges over (law_domain) and what a subject supports (capabilities), as typed
// values. The catalogue's variants are the domain enumerated (variants_of); a user's plan is
// the domain intersected with the subject's capabilities (gradlaws/checks.hpp), with the
// reason for every law left out.
//
//   law_domain over every activation on the exact and high rungs (the default);
//   law_domain{.axis = variant_axis::layer, .layers = coupled}  — every batch-coupled layer
//   kind registered anywhere, on each rung it runs on;
//   capabilities{.activations = selection<activation>::named({"relu", "tanh"}),
//                .batch = {.min = 2}}  — a subject that computes two activations and refuses
//   a batch of one.

#include "gradlaws/model.hpp"
#include "gradlaws/norm_layers.hpp"
#include "gradlaws/optimizer.hpp"
#include "gradlaws/selection.hpp"
#include "gradlaws/strategy.hpp"

#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

struct variant;

/// What one catalogue variant of a law fixes.
enum class variant_axis {
  activation, ///< an activation of the registry (every hidden layer uses it)
  strategy,   ///< a strategy of the registry
  layer,      ///< a layer kind of the registry after every hidden affine layer
  reduction,  ///< a reduction g of the mean loss (rmse, log_mean_exp, affine)
  rung        ///< nothing but the rung
};

/// A machine format of the machine rung. The 16-bit formats are for the training step's
/// subjects (those of kind step_scalars: clipping, optimizer steps, gradient accumulation).
enum class machine_format { double_format, float_format, bfloat16_format, float16_format };

/// "double", "float", "bfloat16" or "float16".
std::string_view to_string(machine_format f);
/// The format named so (see to_string), or nothing.
std::optional<machine_format> machine_format_named(std::string_view name);
/// The machine formats in order, the 16-bit ones included.
inline constexpr machine_format all_machine_formats[] = {
    machine_format::double_format, machine_format::float_format, machine_format::bfloat16_format,
    machine_format::float16_format};

/// An inclusive range of sizes; max 0 means "no upper limit of its own".
struct size_range {
  std::size_t min = 1;
  std::size_t max = 0;
  bool admits(std::size_t n) const { return n >= min && (max == 0 || n <= max); }
  /// "N ≥ 2", "1 ≤ N ≤ 8", "any N".
  std::string describe(const std::string &symbol) const;
};

/// The domain of a law: the registries it ranges over with their predicates, the rungs and
/// machine formats, what it hands its subject. Every field has the default of the catalogue's
/// most common law (every activation, exact and high, users' subjects in double and float).
struct law_domain {
  variant_axis axis = variant_axis::activation;
  selection<activation> activations;
  selection<strategy> strategies;
  selection<layer_kind> layers;
  /// axis layer: also the plain model (no layer), on the first rung.
  bool without_layer = false;
  /// Pipeline laws: the family of layouts the law draws (micro-batches, replica shards,
  /// sequences); a user's pipeline of that family gets the law. Unset: no family of its own
  /// (a law over every strategy runs with the subject's family's first correct one).
  std::optional<strategy_family> layouts;
  /// axis reduction: the reductions' names, each one variant.
  std::vector<std::string> reductions;
  /// Model families (see model_families()), listed before the axis's variants (never with
  /// one_example).
  std::vector<std::string> families;
  /// The rungs of the catalogue's variants (empty with axis strategy: variants with no rung).
  std::vector<rung> rungs = {rung::exact, rung::high};
  /// Each activation (layer kind) on its most exact rung only.
  bool best_rung_only = false;
  /// Every batch has one example.
  bool one_example = false;
  /// The machine formats users' subjects are judged in (empty: the law has no machine rung,
  /// e.g. the reverse-mode oracle).
  std::vector<machine_format> formats = {machine_format::double_format,
                                         machine_format::float_format};
  /// The law holds for batch-coupled models (BatchNorm) too.
  bool holds_under_coupling = false;
  /// The law hands the subject the model it drew (false: it builds another, e.g. the same
  /// layers under a combined loss; code written for one model cannot run it).
  bool keeps_model = true;
  /// The smallest batch the law hands its subject besides the drawn one (1: it takes
  /// per-example gradients); 0 when it hands only batches at least as large as the drawn one.
  std::size_t hands_batches_of = 1;
  /// Offered to users' subjects of its kind by check() (fallacies never are).
  bool for_users = true;
  /// The law's sides evaluate the model with gradlaws's own code (the reverse-mode oracle, the
  /// forward pass of a backward subject's errors): it needs a model gradlaws can evaluate, not
  /// a module it does not know (gradlaws/opaque.hpp).
  bool evaluates_model = false;
  /// The losses the law draws (a subject written for one model gets the law only when the
  /// model's loss is among them).
  selection<loss> losses;
  /// The law asks the subject for the loss's own mean, reduction::framework_mean(): a user's
  /// subject gets it only when it declares it computes that (capabilities::framework_mean).
  bool hands_framework_mean = false;
  /// The law hands gradlaws's own reductions (mean, sum, weighted means, given coefficients):
  /// false for a law that hands the loss's own mean alone, which is all a subject that
  /// declares capabilities::framework_mean_only gets.
  bool hands_gradlaws_reductions = true;
  /// Laws over optimizers: the family of update rules the law hands its subject.
  std::optional<update_rule::family> optimizer;
  /// Laws over training steps that hand loss scales S ≠ 1 or overflowed gradients: a step that
  /// declares capabilities::step_scales_loss = false does not get them.
  bool hands_loss_scale = false;
};

/// The catalogue's variants of a law: its model families, then the axis's registry entries
/// its selections admit on each of its rungs they run on (or on the most exact one).
std::vector<variant> variants_of(const law_domain &d);

/// What a subject supports, as declared by its author: the registry entries it can compute,
/// the one model it is written for (or any model gradlaws describes), the sizes of batches and
/// groups it accepts, and whether its model couples the examples of a batch. The rungs and
/// machine formats are those it has callables for. Generators draw only within them.
struct capabilities {
  selection<activation> activations;
  selection<loss> losses;
  selection<layer_kind> layers;
  /// The one model the subject is written for (unset: any model gradlaws describes).
  std::shared_ptr<const model> fixed_model;
  size_range batch;  ///< examples (or tokens) per batch
  size_range group;  ///< items per micro-batch, shard or sequence (pipelines)
  /// The subject's model couples the examples of a batch (BatchNorm in training mode); true
  /// as well when the fixed model is coupled.
  bool batch_coupled = false;
  /// The subject computes reduction::framework_mean() (the loss's own mean, as its framework
  /// defines it) as well as gradlaws's mean, sum and weighted means.
  bool framework_mean = false;
  /// The subject computes the loss's own mean and nothing else, whatever reduction it is
  /// handed: a step that calls its framework's loss as written (F::cross_entropy(logits,
  /// labels) with reduction='mean'). It gets the laws that hand the own mean alone.
  bool framework_mean_only = false;
  /// Clipping rules: the ε the rule adds to the norm before dividing, g · min(1, C/(‖g‖ + ε))
  /// (torch.nn.utils.clip_grad_norm_ adds 1e-6). Such a rule scales a gradient whose norm is
  /// within ε of C, so the laws that need every gradient inside the threshold keep the norms
  /// at most C − ε for it. 0: the rule is g · min(1, C/‖g‖).
  double clipping_epsilon = 0;
  /// Optimizers: the family of update rules the subject computes (SGD or Adam); the laws hand
  /// it rules of that family only. Required of an optimizer subject.
  std::optional<update_rule::family> optimizer;
  /// Training steps: the step clips the gradient's global norm at step_config::clip. false: the
  /// laws hand it no threshold.
  bool step_clips = true;
  /// Training steps: the step takes gradients of a scaled loss and unscales them
  /// (step_config::loss_scale), skipping the step on overflow. false: the laws hand it S = 1,
  /// and the laws about loss scaling leave it out.
  bool step_scales_loss = true;

  bool coupled() const { return batch_coupled || (fixed_model && fixed_model->batch_coupled()); }
  /// True when a case can fall outside (a selection or a size range is not "any").
  bool restricts() const {
    return !activations.is_all() || !losses.is_all() || !layers.is_all() || batch.min > 1 ||
           batch.max || group.min > 1 || group.max;
  }
  /// Whether the subject can compute this model: every activation, the loss's terms and every
  /// layer kind named by a layer admitted. "" if so, else what is not.
  std::string refuses(const model &m) const;
  /// The capabilities in words, one clause per restriction ("activations relu, tanh; N ≥ 2").
  std::string describe() const;
};

} // namespace gradlaws
