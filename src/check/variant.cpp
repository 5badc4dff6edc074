#include "gradlaws/variant.hpp"

#include "gradlaws/error.hpp"

#include <algorithm>

namespace gradlaws {

namespace {
constexpr std::string_view one_example_prefix = "one_example_";
/// The layer axis's word for plain models.
constexpr std::string_view no_layer = "none";

bool is_one_of(const std::vector<std::string> &names, std::string_view s) {
  return std::find(names.begin(), names.end(), s) != names.end();
}

/// A rung token of a variant name: exact, high, interval, or the machine rung's format.
struct rung_token {
  rung on;
  machine_format format = machine_format::double_format;
};
std::optional<rung_token> rung_named(std::string_view s) {
  for (rung r : {rung::exact, rung::high, rung::interval})
    if (to_string(r) == s) return rung_token{r};
  if (const auto f = machine_format_named(s)) return rung_token{rung::machine, *f};
  return std::nullopt;
}
std::string rung_word(rung r, machine_format f) {
  if (r == rung::machine) return std::string(to_string(f));
  return std::string(to_string(r));
}

template <class Entry>
const Entry *registered(const std::vector<const Entry *> &all, std::string_view name) {
  for (const Entry *e : all)
    if (e->name() == name) return e;
  return nullptr;
}
} // namespace

const std::vector<std::string> &model_families() {
  static const std::vector<std::string> f{"linear_regression", "linear_model_linear_loss"};
  return f;
}

const std::vector<std::string> &reductions() {
  static const std::vector<std::string> g{"rmse", "log_mean_exp", "affine"};
  return g;
}

std::string variant::name() const {
  std::string axis;
  if (act) axis = act->name();
  else if (strat) axis = strat->name();
  else if (layer) axis = *layer ? (*layer)->name() : std::string(no_layer);
  else if (!family.empty()) axis = family;
  else if (!reduction_name.empty()) axis = reduction_name;
  std::string s = one_example ? std::string(one_example_prefix) : "";
  s += axis;
  if (on) s += (axis.empty() ? "" : "_") + rung_word(*on, format);
  return s;
}

variant variant::parse(std::string_view text) {
  variant v;
  std::string_view rest = text;
  if (rest.substr(0, one_example_prefix.size()) == one_example_prefix) {
    v.one_example = true;
    rest.remove_prefix(one_example_prefix.size());
  }
  if (const auto r = rung_named(rest)) {
    v.on = r->on;
    v.format = r->format;
    return v;
  }
  std::string_view axis = rest;
  if (const auto cut = rest.rfind('_'); cut != std::string_view::npos) {
    if (const auto r = rung_named(rest.substr(cut + 1))) {
      v.on = r->on;
      v.format = r->format;
      axis = rest.substr(0, cut);
    }
  }
  if (const activation *a = registered(activations(), axis)) {
    v.act = a;
    if (v.on && !a->supports(*v.on))
      throw unsupported_rung_error("activation " + a->name() + " does not run on the " +
                                   std::string(to_string(*v.on)) + " rung");
  } else if (const strategy *s = registered(strategies(), axis)) {
    v.strat = s;
  } else if (is_one_of(model_families(), axis)) {
    v.family = axis;
  } else if (is_one_of(reductions(), axis)) {
    v.reduction_name = axis;
  } else if (const layer_kind *k = registered(layer_kinds(), axis); k || axis == no_layer) {
    v.layer = k;
    if (k && v.on && !k->supports(*v.on))
      throw unsupported_rung_error("the layer " + k->name() + " does not run on the " +
                                   std::string(to_string(*v.on)) + " rung");
  } else {
    std::vector<std::string> known{std::string(no_layer)};
    for (const auto *k : layer_kinds()) known.push_back(k->name());
    for (const auto *a : activations()) known.push_back(a->name());
    for (const auto *s : strategies()) known.push_back(s->name());
    for (const auto &f : model_families()) known.push_back(f);
    for (const auto &g : reductions()) known.push_back(g);
    throw unknown_name_error("variant axis (activation, strategy, layer, model family "
                             "or reduction) in '" + std::string(text) + "'",
                             axis, known);
  }
  return v;
}

namespace {
void add_on_rungs(std::vector<variant> &out, variant v, const std::vector<rung> &rungs,
                  const law_domain &d, bool (*runs)(const variant &, rung)) {
  for (rung r : rungs) {
    if (r == rung::machine) {
      for (machine_format f : d.formats) {
        v.on = r;
        v.format = f;
        out.push_back(v);
      }
    } else if (runs(v, r)) {
      v.on = r;
      out.push_back(v);
    }
  }
}

bool activation_runs(const variant &v, rung r) { return v.act->supports(r); }
bool layer_runs(const variant &v, rung r) { return !*v.layer || (*v.layer)->supports(r); }
bool always_runs(const variant &, rung) { return true; }
} // namespace

std::vector<variant> variants_of(const law_domain &d) {
  std::vector<variant> out;
  for (const auto &f : d.families) out.push_back({.family = f});
  switch (d.axis) {
  case variant_axis::activation:
    for (const activation *a : d.activations.of(activations())) {
      const variant v{.act = a, .one_example = d.one_example};
      if (!d.best_rung_only) add_on_rungs(out, v, d.rungs, d, activation_runs);
      else add_on_rungs(out, v, {a->supports(rung::exact) ? rung::exact : rung::high}, d, activation_runs);
    }
    break;
  case variant_axis::strategy:
    for (const strategy *s : d.strategies.of(strategies())) {
      if (d.rungs.empty()) out.push_back({.strat = s});
      else add_on_rungs(out, {.strat = s}, d.rungs, d, always_runs);
    }
    break;
  case variant_axis::layer:
    for (const layer_kind *k : d.layers.of(layer_kinds())) {
      if (!d.best_rung_only) add_on_rungs(out, {.layer = k}, d.rungs, d, layer_runs);
      else add_on_rungs(out, {.layer = k}, {k->supports(rung::exact) ? rung::exact : rung::high}, d, layer_runs);
    }
    if (d.without_layer && !d.rungs.empty())
      out.push_back({.layer = static_cast<const layer_kind *>(nullptr), .on = d.rungs.front()});
    break;
  case variant_axis::reduction:
    for (const auto &g : d.reductions) out.push_back({.reduction_name = g});
    break;
  case variant_axis::rung:
    add_on_rungs(out, {.one_example = d.one_example}, d.rungs, d, always_runs);
    break;
  }
  return out;
}

} // namespace gradlaws
