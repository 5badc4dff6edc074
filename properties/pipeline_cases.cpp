#include "pipeline_cases.hpp"

namespace gradlaws::props {

namespace {
std::string layout_words(const pipeline_problem &p) {
  switch (p.tested->info().family) {
  case strategy_family::accumulation: return "micro-batch sizes " + p.lay.describe();
  case strategy_family::replica: return "replica shard sizes " + p.lay.describe();
  case strategy_family::token: return "tokens per sequence " + p.lay.describe();
  case strategy_family::batch: break;
  }
  return "batch " + p.lay.describe();
}

std::string strategy_words(const strategy &s) {
  return s.name() + ": " + s.info().formula;
}
} // namespace

std::string pipeline_problem::describe() const {
  return problem::describe() + "\nlayout " + layout_words(*this) +
         (lay.valid.empty() ? "" : "  (mask 0 = masked or padding)");
}

std::vector<vec<exact>> example_gradients(const problem &p) {
  std::vector<vec<exact>> out;
  for (Eigen::Index i = 0; i < p.x.cols(); ++i)
    out.push_back(example_gradient<exact>(p.m, p.theta, p.x, p.y, i));
  return out;
}

namespace {
// Details are rendered for failed cases too, including ones a strategy refused (an empty
// micro-batch, say): the refusal is then the detail.
template <class F> std::string or_error(F f) {
  try {
    return f();
  } catch (const std::exception &e) {
    return std::string("(not computed: ") + e.what() + ")";
  }
}
} // namespace

std::vector<std::pair<std::string, std::string>> pipeline_problem::details() const {
  std::vector<std::pair<std::string, std::string>> d;
  d.emplace_back("pipeline", strategy_words(*tested));
  d.emplace_back("weights given", or_error([&] { return weights_string(tested->weights(lay)); }));
  d.emplace_back("reference", strategy_words(*reference));
  d.emplace_back("correct weights", or_error([&] { return weights_string(reference->weights(lay)); }));
  if (m.batch_coupled()) {
    // With a coupled layer the weights agree but the forward passes differ: that is the bug.
    d.emplace_back("forward passes", or_error([&] {
                     return passes_string(tested->plan(lay, batch_size())) + " against " +
                            passes_string(reference->plan(lay, batch_size()));
                   }));
  } else if (on == rung::exact && m.supports(rung::exact)) {
    d.emplace_back("per-example gradients", or_error([&] {
                     std::string s;
                     const auto g = example_gradients(*this);
                     for (std::size_t i = 0; i < g.size(); ++i)
                       s += (i ? ", " : "") + std::string("∇L_") + std::to_string(i + 1) + " = " +
                            to_string(g[i]);
                     return s;
                   }));
  }
  return d;
}

std::size_t first_coupled_layer(const model &m) {
  std::size_t k = 0;
  while (k < m.layers().size() && !m.layers()[k]->batch_coupled()) ++k;
  return k;
}

std::vector<double> normalised_values(const model &m, const vec<high> &theta, const mat<high> &x,
                                      std::size_t upto) {
  mat<high> a = x;
  for (std::size_t k = 0; k <= upto && k < m.layers().size(); ++k)
    a = m.layers()[k]->forward(a, theta.data() + m.offsets()[k]);
  std::vector<double> row;
  for (Eigen::Index j = 0; j < a.cols(); ++j) row.push_back(a(0, j).convert_to<double>());
  return row;
}

std::vector<figure> coupling_problem::figures() const {
  const std::size_t coupled = first_coupled_layer(m);
  if (coupled == m.layers().size()) return {};
  const precision_scope scope(default_digits);
  const lifted<high> l = lift<high>(*this);
  mat<high> moved = l.x;
  for (Eigen::Index r = 0; r < moved.rows(); ++r)
    moved(r, Eigen::Index(perturbed)) += from_exact<high>(delta[r]);
  figure f;
  f.name = "normalised-values";
  f.title = m.layers()[coupled]->describe() + ": moving x_" + std::to_string(perturbed + 1) +
            " moves every example";
  f.x_label = "example";
  f.y_label = "output of " + m.layers()[coupled]->describe() + ", feature 1";
  for (std::size_t i = 0; i < batch_size(); ++i) f.categories.push_back("x_" + std::to_string(i + 1));
  figure::series before{.label = "before", .style = figure::mark::bars,
                        .y = normalised_values(m, l.theta, l.x, coupled)};
  figure::series after{.label = "after moving x_" + std::to_string(perturbed + 1) + " by δ = " +
                                to_string(delta),
                       .style = figure::mark::bars,
                       .y = normalised_values(m, l.theta, moved, coupled)};
  for (std::size_t i = 0; i < batch_size(); ++i) {
    before.x.push_back(double(i));
    after.x.push_back(double(i));
  }
  f.data = {before, after};
  f.caption = "Example " + std::to_string(observed + 1) + " did not move, yet its normalised value "
              "(and so its loss and gradient) changed: through the batch's mean and variance, "
              "each example's gradient depends on the others.";
  return {f};
}

namespace {
std::vector<std::string> example_labels(std::size_t n) {
  std::vector<std::string> examples;
  for (std::size_t i = 0; i < n; ++i) examples.push_back("x_" + std::to_string(i + 1));
  return examples;
}

std::vector<double> indices(std::size_t n) {
  std::vector<double> x;
  for (std::size_t i = 0; i < n; ++i) x.push_back(double(i));
  return x;
}

std::vector<double> as_doubles(const std::vector<exact> &w) {
  std::vector<double> d;
  for (const exact &v : w) d.push_back(v.convert_to<double>());
  return d;
}

// The weights: a bug in the pipeline is a wrong weight on some example.
std::vector<figure> weights_figure(const pipeline_problem &p) {
  const std::string group = std::string(group_word(p.tested->info().family));
  std::vector<exact> given, correct;
  try {
    given = p.tested->weights(p.lay);
    correct = p.reference->weights(p.lay);
  } catch (const error &) {
    return {}; // the pipeline refused the layout: the details say why
  }
  std::string sizes;
  for (std::size_t k = 0; k < p.lay.groups.size(); ++k)
    sizes += (k ? ", " : "") + std::to_string(p.lay.groups[k]);
  figure f;
  f.name = "weights";
  f.title = "The weight of each example in the gradient, given against correct";
  f.x_label = "example (" + group + " sizes " + sizes + ")";
  f.y_label = "weight w_i in Σ w_i ∇L_i";
  f.categories = example_labels(p.batch_size());
  f.data.push_back({.label = "given: " + p.tested->name(), .style = figure::mark::bars,
                    .x = indices(p.batch_size()), .y = as_doubles(given)});
  f.data.push_back({.label = "correct: " + p.reference->name(), .style = figure::mark::bars,
                    .x = indices(p.batch_size()), .y = as_doubles(correct)});
  f.caption = "The pipeline computes Σ w_i ∇L_i; it is the full-batch gradient only when every "
              "example gets the correct weight. Bars of different heights are the bug.";
  return {f};
}

// A batch-coupled layer: each example's normalised value depends on the batch it is in.
std::vector<figure> normalised_figure(const pipeline_problem &p) {
  const std::string group = std::string(group_word(p.tested->info().family));
  const auto &layers = p.m.layers();
  const std::size_t coupled = first_coupled_layer(p.m);
  if (coupled == layers.size()) return {};
  const precision_scope scope(default_digits);
  const lifted<high> l = lift<high>(p);
  figure f;
  f.name = "normalised-values";
  f.title = layers[coupled]->describe() + ": each example normalised against its batch";
  f.x_label = "example";
  f.y_label = "output of " + layers[coupled]->describe() + ", feature 1";
  f.categories = example_labels(p.batch_size());
  figure::series in_batch{.label = "in the whole batch (the reference)", .style = figure::mark::bars,
                          .x = indices(p.batch_size()),
                          .y = normalised_values(p.m, l.theta, l.x, coupled)};
  figure::series in_group{.label = "in its " + group + " (as the pipeline runs it)",
                          .style = figure::mark::bars};
  std::string undefined;
  for (std::size_t k = 0; k < p.lay.groups.size(); ++k) {
    const std::size_t b = p.lay.begin(k), size = p.lay.groups[k];
    if (size == 0) continue;
    try {
      const std::vector<double> part = normalised_values(
          p.m, l.theta, mat<high>(l.x.middleCols(Eigen::Index(b), Eigen::Index(size))), coupled);
      for (std::size_t j = 0; j < size; ++j) {
        in_group.x.push_back(double(b + j));
        in_group.y.push_back(part[j]);
      }
    } catch (const error &e) {
      undefined += (undefined.empty() ? "" : "; ") + group + " " + std::to_string(k + 1) + ": " + e.what();
    }
  }
  f.data.push_back(std::move(in_batch));
  f.data.push_back(std::move(in_group));
  f.caption = "The same example is normalised with other statistics in a smaller batch, so its "
              "gradient is a different function: no reweighting of per-" + group +
              " gradients recovers the full-batch one." + (undefined.empty() ? "" : " Undefined: " + undefined + ".");
  return {f};
}
} // namespace

std::vector<figure> pipeline_problem::figures() const {
  return m.batch_coupled() ? normalised_figure(*this) : weights_figure(*this);
}

gen::problem_options pipeline_options(rung on, const layer_kind *layer) {
  gen::problem_options o;
  o.on = on;
  o.min_hidden = layer ? 1 : 0;
  o.max_hidden = 1;
  o.max_width = 2;
  o.layer = layer;
  return o;
}

gen::problem_options pipeline_options(const variant &v) {
  return within_capabilities(pipeline_options(v.rung_or(rung::exact)), v);
}

law_domain pipeline_rungs(strategy_family layouts, std::vector<rung> rungs) {
  return {.axis = variant_axis::rung, .layouts = layouts, .rungs = std::move(rungs),
          .hands_batches_of = 0};
}

law_domain pipeline_strategies(selection<strategy> s, std::vector<rung> rungs) {
  return {.axis = variant_axis::strategy, .strategies = std::move(s), .rungs = std::move(rungs),
          .hands_batches_of = 0};
}

law_domain layer_domain(selection<layer_kind> k, bool plain_too) {
  return {.axis = variant_axis::layer, .layers = std::move(k), .without_layer = plain_too,
          .rungs = {rung::exact, rung::high}, .best_rung_only = true, .hands_batches_of = 0};
}

selection<layer_kind> coupled_layers() {
  return selection<layer_kind>::where("batch-coupled", [](const layer_kind &k) { return k.batch_coupled(); });
}
selection<layer_kind> uncoupled_layers() {
  return selection<layer_kind>::where("not batch-coupled", [](const layer_kind &k) { return !k.batch_coupled(); });
}

rc::Gen<model> weight_witness_models() { return rc::gen::just(linear_regression("mse")); }

const strategy &full_batch() { return find_strategy("batched_mean"); }

rc::Gen<pipeline_problem> pipeline_problems(rc::Gen<layout> layouts, std::size_t max_items,
                                            rc::Gen<model> models, rung on,
                                            const strategy &tested, const strategy &reference) {
  const strategy *t = &tested;
  const strategy *r = &reference;
  return rc::gen::exec([=] {
    model m = *models;
    const auto d = *gen::drawn_batches(m, max_items);
    layout lay = *layouts;
    const auto n = Eigen::Index(lay.size());
    if (n > d.x.cols())
      throw error("pipeline_problems: a layout of " + std::to_string(n) + " items, but data for " +
                  std::to_string(max_items));
    mat<exact> y = d.y.leftCols(n);
    // Class-index targets say themselves which items are ignored: the layout's mask.
    const loss &l = m.objective_loss();
    if (l.info().target == target_kind::class_index && l.ignore_label())
      for (Eigen::Index i = 0; i < n; ++i) {
        if (!lay.counts(std::size_t(i))) y.col(i).setConstant(exact(*l.ignore_label()));
        else if (l.ignores(vec<exact>(y.col(i)))) y(0, i) = exact(0);
      }
    return pipeline_problem{problem{std::move(m), d.theta, d.x.leftCols(n), std::move(y), on},
                            std::move(lay), t, r};
  });
}

std::string coupling_problem::describe() const {
  return problem::describe() + "\nprobe  move x_" + std::to_string(perturbed + 1) + " by δ = " +
         to_string(delta) + " and watch ∇L_" + std::to_string(observed + 1) +
         " computed in the batch";
}

rc::Gen<coupling_problem> coupling_problems(rc::Gen<model> models, rung on, std::size_t max_batch) {
  return rc::gen::exec([=] {
    model m = *models;
    const std::size_t n = *gen::count(2, max_batch);
    const std::size_t i = *gen::count(0, n - 1);
    const std::size_t k = *gen::count(0, n - 2);
    const std::size_t j = k < i ? k : k + 1; // every j ≠ i; shrinks to the first such j
    auto d = *gen::drawn_batches(m, n, 1);
    return coupling_problem{
        problem{std::move(m), std::move(d.theta), std::move(d.x), std::move(d.y), on}, i, j,
        vec<exact>(d.shift.col(0))};
  });
}

layer_axes layer_of(const variant &v) {
  if (!v.layer || !v.on)
    throw error("variant '" + v.name() + "' is not of the form <layer>_<rung>, e.g. "
                "batch_norm_high");
  return {*v.layer, *v.on};
}

subject_for<pipeline_subject> fixed_strategy(const strategy &s) {
  return [&s](const variant &) { return strategy_subject(s); };
}

case_generator<pipeline_problem> pipeline_cases(drawn_layouts d, const strategy *tested,
                                                const strategy &reference) {
  return [d = std::move(d), tested, &reference](const variant &v) {
    const strategy &s = tested ? *tested : *v.strat;
    gen::problem_options o = pipeline_options(v);
    // Tokens: class-index targets too, the ignored ones where the layout masks.
    o.class_targets = s.info().family == strategy_family::token;
    return pipeline_problems(d.layouts, d.max_items, gen::models(o), v.rung_or(rung::exact), s,
                             reference);
  };
}

std::string expect_values(const std::string &what, const std::vector<exact> &got,
                          const std::vector<exact> &want) {
  if (got == want) return "";
  return what + " = " + list_string(got) + " instead of " + list_string(want);
}

std::vector<exact> row_values(const mat<exact> &m, Eigen::Index r) {
  std::vector<exact> out;
  for (Eigen::Index j = 0; j < m.cols(); ++j) out.push_back(m(r, j));
  return out;
}

} // namespace gradlaws::props

namespace gradlaws::props {

std::string layout_shape(const pipeline_problem &p, const std::vector<std::size_t> &groups) {
  if (p.lay.groups == groups && p.lay.valid.empty()) return "";
  return "layout " + p.lay.describe() + " instead of " + layout::split(groups).describe();
}

std::string single_first_gradient_shape(const pipeline_problem &p) {
  for (Eigen::Index k = 0; k < p.theta.size(); ++k)
    if (p.theta[k] != 0) return "θ = " + to_string(p.theta) + " instead of 0";
  const auto g = example_gradients(p);
  std::string s;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const bool zero = (g[i].array() == exact(0)).all();
    if ((i == 0) == zero) {
      s = "per-example gradients";
      for (std::size_t k = 0; k < g.size(); ++k) s += (k ? ", " : " ") + to_string(g[k]);
      return s + " instead of one non-zero gradient, at example 1";
    }
  }
  return "";
}

} // namespace gradlaws::props

namespace gradlaws::props {

std::size_t max_items_for(const strategy &s) {
  switch (s.info().family) {
  case strategy_family::batch: return 4;
  case strategy_family::accumulation: return 5;
  case strategy_family::replica: return 6;
  case strategy_family::token: return 9;
  }
  throw error("max_items_for: unknown strategy family");
}

rc::Gen<layout> layouts_for(const strategy &s) {
  using gen::masking;
  switch (s.info().family) {
  case strategy_family::batch: return gen::any_split(4, masking::any);
  case strategy_family::accumulation: return gen::any_split(5, masking::every_group_counts);
  case strategy_family::replica: return gen::any_shards(3, 2, masking::every_group_counts);
  case strategy_family::token: return gen::any_sequences(3, 3, masking::every_group_counts);
  }
  throw error("layouts_for: unknown strategy family");
}

std::string masked_extra_problem::describe() const {
  return pipeline_problem::describe() + "\nextra  masked example (x, y) = (" + to_string(extra_x) +
         ", " + to_string(extra_y) + ") inserted at position " + std::to_string(at + 1) + ": " +
         extended().describe();
}

layout masked_extra_problem::extended() const {
  layout l = lay;
  if (l.valid.empty()) l.valid.assign(l.size(), true);
  for (std::size_t k = 0, first = 0; k < l.groups.size(); first += l.groups[k++]) {
    if (l.groups[k] > 0 && at >= first && at <= first + l.groups[k]) {
      ++l.groups[k];
      break;
    }
  }
  l.valid.insert(l.valid.begin() + std::ptrdiff_t(at), false);
  return l;
}

rc::Gen<masked_extra_problem> masked_extras(const strategy &s, rung on) {
  return rc::gen::exec([&s, on] {
    pipeline_problem p = *pipeline_problems(layouts_for(s), max_items_for(s),
                                            gen::models(pipeline_options(on)), on, s);
    // A position inside (or at the end of) a non-empty group, so the extra example joins it.
    std::vector<std::size_t> slots;
    for (std::size_t k = 0, first = 0; k < p.lay.groups.size(); first += p.lay.groups[k++])
      if (p.lay.groups[k] > 0)
        for (std::size_t i = first; i <= first + p.lay.groups[k]; ++i) slots.push_back(i);
    const std::size_t at = *rc::gen::elementOf(slots);
    const mat<exact> ex = *gen::inputs(p.m, 1);
    const mat<exact> ey = *gen::targets(p.m, 1);
    return masked_extra_problem{std::move(p), at, vec<exact>(ex.col(0)), vec<exact>(ey.col(0))};
  });
}

} // namespace gradlaws::props

namespace gradlaws::props {

bool register_strategy_law(strategy_law l) {
  const strategy &tested = find_strategy(l.tested.strategy);
  l.words.kind = entry_kind::law;
  l.words.lhs = l.tested.named();
  l.words.domain = pipeline_rungs(tested.info().family);
  return register_law(make_law<pipeline_subject, pipeline_problem>(
                          std::move(l.words), pipeline_cases(std::move(l.layouts), &tested),
                          pipeline_law_sides),
                      fixed_strategy(tested));
}

namespace {
bool register_weight_fallacy(const weight_fallacy &f) {
  const strategy &tested = find_strategy(f.tested.strategy);
  const strategy &reference = find_strategy(f.reference.strategy);
  const weight_boundary &b = f.boundary;
  const strategy &on_boundary = find_strategy(b.tested ? b.tested->strategy : f.tested.strategy);
  property_info words = f.words;
  words.kind = entry_kind::fallacy;
  words.lhs = f.tested.named();
  words.rhs = f.reference.named();
  words.domain = pipeline_rungs(tested.info().family, {rung::exact});
  const auto witnesses = [d = f.witness, &tested, &reference](const variant &v) {
    return pipeline_problems(d.layouts, d.max_items, weight_witness_models(),
                             v.rung_or(rung::exact), tested, reference);
  };
  const auto shape = [groups = f.witness_groups](const pipeline_problem &p, const verdict &) {
    if (auto s = layout_shape(p, groups); !s.empty()) return s;
    return single_first_gradient_shape(p);
  };
  return register_fallacy(
      make_fallacy<pipeline_subject, pipeline_problem>(std::move(words), witnesses,
                                                       pipeline_law_sides, shape),
      {.name = b.name,
       .claim = b.claim,
       .formula = b.formula,
       .explanation = b.explanation,
       .cases = pipeline_cases(b.layouts, &on_boundary, reference),
       .domain = pipeline_rungs(tested.info().family),
       .lhs = b.tested ? b.tested->named() : ""},
      fixed_strategy(tested), fixed_strategy(on_boundary));
}
} // namespace

bool register_weight_fallacies(const std::vector<weight_fallacy> &rows) {
  for (const weight_fallacy &f : rows) register_weight_fallacy(f);
  return true;
}

} // namespace gradlaws::props
