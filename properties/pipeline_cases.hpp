#pragma once
// Cases shared by the training-pipeline families (pipeline_*.cpp): a problem run through a
// pipeline strategy under a layout, and a problem probed for batch coupling.

#include "cases.hpp"

#include <gradlaws/coupling.hpp>
#include <gradlaws/pipeline_gen.hpp>
#include <gradlaws/strategy.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gradlaws::props {

/// The reference of most pipeline laws: the full-batch gradient (strategy batched_mean).
const strategy &full_batch();

/// A problem whose batch is laid out in groups and computed by the strategy under test and
/// by a reference strategy (the full-batch gradient, usually).
struct pipeline_problem : problem {
  layout lay;
  const strategy *tested = nullptr;
  const strategy *reference = nullptr;

  std::string describe() const;
  /// Both strategies' formulas and exact weight vectors, the forward passes when the model
  /// is batch coupled, and ∇L_i per example on the exact rung.
  std::vector<std::pair<std::string, std::string>> details() const;
  /// The weight each example gets, given against correct; with a batch-coupled layer, each
  /// example's normalised value in the whole batch against in its group.
  std::vector<figure> figures() const;
};

/// Draws a model, θ (offsets from the initialisation) and a batch of `max_items` examples
/// shrunk jointly (gen::drawn_batches), then a layout, which keeps the batch's first
/// lay.size() examples. The batch shrinks before the layout: a witness's data is made
/// minimal first, then the layout shrinks around it and never has to redraw it (a redrawn
/// batch may by chance hide the bug, stranding the layout). Throws gradlaws::error if a
/// layout holds more than `max_items`.
rc::Gen<pipeline_problem> pipeline_problems(rc::Gen<layout> layouts, std::size_t max_items,
                                            rc::Gen<model> models, rung on,
                                            const strategy &tested,
                                            const strategy &reference = full_batch());

/// The layouts a pipeline law draws, and the most items any of them holds (the examples
/// drawn for them).
struct drawn_layouts {
  rc::Gen<layout> layouts;
  std::size_t max_items;
};

/// The cases of a pipeline law on a variant: the layouts with their data and the MLPs of
/// pipeline_options(v), on the variant's rung (exact if it fixes none), computed by `tested`
/// (nullptr: the variant's strategy) against `reference`.
case_generator<pipeline_problem> pipeline_cases(drawn_layouts d, const strategy *tested = nullptr,
                                                const strategy &reference = full_batch());

/// The pipeline under test and the reference strategy's gradients on rung T.
template <class T> sides<T> pipeline_sides(const pipeline_subject &s, const pipeline_problem &p) {
  const auto l = lift<T>(p);
  return {s.on<T>()(p.m, l.theta, l.x, l.y, p.lay),
          p.reference->gradient<T>(p.m, l.theta, l.x, l.y, p.lay)};
}

/// The generic sides of a pipeline law: pipeline_sides on every rung.
inline constexpr auto pipeline_law_sides = []<class T>(const pipeline_subject &s,
                                                        const pipeline_problem &p) {
  return pipeline_sides<T>(s, p);
};

/// The layer kind (nullptr: none) and the rung of a "<layer>_<rung>" variant.
struct layer_axes {
  const layer_kind *layer;
  rung on;
};
layer_axes layer_of(const variant &v);

/// The domain of a pipeline law whose variants are rungs ("exact", "high"). A pipeline
/// subject gets whole batches, so no pipeline law hands it a batch of one.
/// `layouts`: the family of layouts the law draws (a user's pipeline of that family gets it).
law_domain pipeline_rungs(strategy_family layouts, std::vector<rung> rungs = {rung::exact, rung::high});
/// The domain of a pipeline law over the strategies s admits, on the rungs given (none: the
/// variants name a strategy alone).
law_domain pipeline_strategies(selection<strategy> s, std::vector<rung> rungs = {});
/// The domain of a law over the layer kinds k admits, each on its most exact rung, and the
/// plain model (no layer) on the exact rung when `plain_too`.
law_domain layer_domain(selection<layer_kind> k, bool plain_too = false);
/// The layer kinds that couple (or do not couple) the examples of a batch.
selection<layer_kind> coupled_layers();
selection<layer_kind> uncoupled_layers();

/// The subject of every variant: the strategy, run on gradlaws's backprop.
subject_for<pipeline_subject> fixed_strategy(const strategy &s);

/// MLPs (0–1 hidden layers of width ≤ 2, any activation and loss of the rung) for the
/// pipeline laws, with an optional layer of a registered kind in the hidden layer.
gen::problem_options pipeline_options(rung on, const layer_kind *layer = nullptr);
/// pipeline_options on the variant's rung (exact if it fixes none), within what the subject
/// of the variant supports.
gen::problem_options pipeline_options(const variant &v);

/// The model of the weight-vector fallacies: the seed's linear regression m·x + b under the
/// squared error. The weights are the whole story there, and law strategy_weights shows for
/// every MLP that a strategy's gradient is its weighted sum of per-example gradients; a fixed
/// model keeps the shrinker on the layout and the data. At m = b = 0, x = 0 and y = 1 the
/// gradient is (0, -2): the witness's sides read as -2 × the weight each gives example 1.
rc::Gen<model> weight_witness_models();

/// ∇L_i of every example by isolated passes, exactly (the model must run on the exact rung).
std::vector<vec<exact>> example_gradients(const problem &p);

/// A problem probed by the coupling detector: move example `perturbed` by δ and watch the
/// in-batch gradient of example `observed` (both numbered from 0).
struct coupling_problem : problem {
  std::size_t observed = 0, perturbed = 1;
  vec<exact> delta;
  std::string describe() const;
  /// Every example's normalised value before and after x_j moves: the one that did not move
  /// changes too.
  std::vector<figure> figures() const;
};

/// The index of m's first batch-coupled layer, or m.layers().size() when it has none.
std::size_t first_coupled_layer(const model &m);
/// Feature 1 of the output of layer `upto` (and the layers before it) for the batch x, on the
/// high rung at the current precision: each example's normalised value when `upto` is a
/// normalisation layer. Throws as the layers do (a batch of one has no variance).
std::vector<double> normalised_values(const model &m, const vec<high> &theta, const mat<high> &x,
                                      std::size_t upto);
/// N ∈ [2, max_batch] examples for the models drawn, with an observed example i, a
/// perturbed j ≠ i (shrinking to i = 1, j = 2) and a shift δ of x_j.
rc::Gen<coupling_problem> coupling_problems(rc::Gen<model> models, rung on, std::size_t max_batch);

/// "" when v is the list of values, else "x = [..] instead of [..]" (for shape checks).
std::string expect_values(const std::string &what, const std::vector<exact> &got,
                          const std::vector<exact> &want);
/// Row r of a batch matrix as a list.
std::vector<exact> row_values(const mat<exact> &m, Eigen::Index r = 0);

} // namespace gradlaws::props

namespace gradlaws::props {

/// "" when θ = 0 and exactly one example — the first — has a non-zero gradient; otherwise
/// says what differs. The shape of a weight-vector witness: the bug shows as that one
/// example's weight.
std::string single_first_gradient_shape(const pipeline_problem &p);

/// "" when the layout is exactly `groups` with no mask, else what it is instead.
std::string layout_shape(const pipeline_problem &p, const std::vector<std::size_t> &groups);

} // namespace gradlaws::props

namespace gradlaws::props {

/// Layouts that suit strategy s: micro-batches, shards or sequences by its family, every
/// non-empty group keeping a valid item (so every strategy can take its means).
rc::Gen<layout> layouts_for(const strategy &s);
/// The most items layouts_for(s) holds.
std::size_t max_items_for(const strategy &s);

/// A pipeline problem and one extra example, masked, inserted into a group at `at`.
struct masked_extra_problem : pipeline_problem {
  std::size_t at = 0; ///< position of the extra example in the extended batch
  vec<exact> extra_x, extra_y;
  std::string describe() const;
  /// The layout with the extra example in it, masked.
  layout extended() const;
};
rc::Gen<masked_extra_problem> masked_extras(const strategy &s, rung on);

/// c inserted as column `at` of m.
template <class T> mat<T> insert_column(const mat<T> &m, std::size_t at, const vec<T> &c) {
  mat<T> out(m.rows(), m.cols() + 1);
  const auto a = Eigen::Index(at);
  out.leftCols(a) = m.leftCols(a);
  out.col(a) = c;
  out.rightCols(m.cols() - a) = m.rightCols(m.cols() - a);
  return out;
}

} // namespace gradlaws::props

namespace gradlaws::props {

/// One side of a pipeline equality: a strategy, and what it computes in words. The law's
/// words name the side "words (strategy)".
struct pipeline_side {
  std::string words;
  std::string strategy;
  std::string named() const { return words + " (" + strategy + ")"; }
};

/// A pipeline law whose subject is one strategy, on the exact and high rungs: its words (the
/// left side is named after `tested`), the strategy and the layouts it is checked on, against
/// the full-batch gradient.
struct strategy_law {
  property_info words;
  pipeline_side tested;
  drawn_layouts layouts;
};
bool register_strategy_law(strategy_law l);

/// The boundary law of a weight-vector fallacy: where its equality is restored.
struct weight_boundary {
  std::string name, claim, formula, explanation;
  drawn_layouts layouts;
  /// The strategy checked on the boundary when it is not the fallacy's (its side is then
  /// named after it).
  std::optional<pipeline_side> tested;
};

/// A weight-vector fallacy of a training pipeline and its boundary law, as one row of a
/// family's table: the fallacy's words (name, family, claim, formula, expected shape and
/// explanation), the strategy under test and the reference, the layouts the witness is drawn
/// from (on the seed's linear regression, weight_witness_models()) with the groups the shrunk
/// witness must have, and the boundary law. register_weight_fallacies fills in the rest: the
/// kind, the sides' names, the exact rung, the shape check (layout_shape, then
/// single_first_gradient_shape) and the subjects.
struct weight_fallacy {
  property_info words;
  pipeline_side tested;
  pipeline_side reference = {"full-batch gradient ∇J", "batched_mean"};
  drawn_layouts witness;
  std::vector<std::size_t> witness_groups;
  weight_boundary boundary;
};
/// Registers every row's fallacy and boundary law (register_fallacy). Throws
/// unknown_name_error for a strategy that is not registered.
bool register_weight_fallacies(const std::vector<weight_fallacy> &rows);

} // namespace gradlaws::props
