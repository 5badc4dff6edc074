#include "gradlaws/domain.hpp"

#include "gradlaws/layer.hpp"

#include <typeinfo>

namespace gradlaws {

std::string_view to_string(machine_format f) {
  switch (f) {
  case machine_format::double_format: return "double";
  case machine_format::float_format: return "float";
  case machine_format::bfloat16_format: return "bfloat16";
  case machine_format::float16_format: return "float16";
  }
  return "double";
}

std::optional<machine_format> machine_format_named(std::string_view name) {
  for (machine_format f : all_machine_formats)
    if (to_string(f) == name) return f;
  return std::nullopt;
}

std::string size_range::describe(const std::string &symbol) const {
  if (max == 0) return min <= 1 ? "any " + symbol : symbol + " ≥ " + std::to_string(min);
  return std::to_string(min) + " ≤ " + symbol + " ≤ " + std::to_string(max);
}

namespace {
/// The registered layer kind a layer is made by, matched by the class of the layer a kind
/// makes (a kind registered twice under two names matches the first).
const layer_kind *kind_of(const layer &l) {
  for (const layer_kind *k : layer_kinds())
    if (const auto sample = k->make(1); typeid(*sample) == typeid(l)) return k;
  return nullptr;
}
} // namespace

std::string capabilities::refuses(const model &m) const {
  for (const auto &l : m.layers()) {
    if (const auto *a = dynamic_cast<const activation_layer *>(l.get())) {
      if (!activations.admits(a->fn()))
        return "the activation " + a->fn().name() + " (the subject supports " +
               activations.describe() + ")";
    } else if (!dynamic_cast<const dense *>(l.get()) && !layers.is_all()) {
      const layer_kind *k = kind_of(*l);
      if (!k || !layers.admits(*k))
        return "the layer " + l->describe() + " (the subject supports " + layers.describe() + ")";
    }
  }
  for (const loss_term &t : m.objective_loss().terms())
    if (!losses.admits(*t.part))
      return "the loss " + t.part->name() + " (the subject supports " + losses.describe() + ")";
  return "";
}

std::string capabilities::describe() const {
  std::string s;
  const auto clause = [&s](const std::string &c) { s += (s.empty() ? "" : "; ") + c; };
  if (fixed_model) clause("the model " + fixed_model->describe());
  if (!activations.is_all()) clause("activations " + activations.describe());
  if (!losses.is_all()) clause("losses " + losses.describe());
  if (!layers.is_all()) clause("layers " + layers.describe());
  if (batch.min > 1 || batch.max) clause(batch.describe("N"));
  if (group.min > 1 || group.max) clause("groups of " + group.describe("n_k"));
  if (coupled()) clause("batch-coupled");
  if (framework_mean) clause("computes the loss's own mean (framework_mean)");
  if (framework_mean_only) clause("computes the loss's own mean only (framework_mean_only)");
  if (optimizer) clause(std::string("computes ") + (*optimizer == update_rule::family::sgd ? "SGD" : "Adam") + " steps");
  if (!step_clips) clause("does not clip (step_clips = false)");
  if (!step_scales_loss) clause("takes no loss scale (step_scales_loss = false)");
  if (clipping_epsilon != 0) clause("adds ε = " + to_string(clipping_epsilon) + " to the norm it clips by");
  return s.empty() ? "any model gradlaws describes" : s;
}

} // namespace gradlaws
