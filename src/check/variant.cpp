#include "gradlaws/variant.hpp"

#include "gradlaws/error.hpp"

#include <algorithm>

namespace gradlaws {

namespace {
constexpr std::string_view one_example_prefix = "one_example_";

bool is_one_of(const std::vector<std::string> &names, std::string_view s) {
  return std::find(names.begin(), names.end(), s) != names.end();
}

/// A rung token of a variant name: exact, high, interval, or the machine rung's format.
struct rung_token {
  rung on;
  bool single = false;
};
std::optional<rung_token> rung_named(std::string_view s) {
  for (rung r : {rung::exact, rung::high, rung::interval})
    if (to_string(r) == s) return rung_token{r};
  if (s == "double") return rung_token{rung::machine, false};
  if (s == "float") return rung_token{rung::machine, true};
  return std::nullopt;
}
std::string rung_word(rung r, bool single) {
  if (r == rung::machine) return single ? "float" : "double";
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
  else if (norm) axis = std::string(to_string(*norm));
  else if (!family.empty()) axis = family;
  else if (!reduction_name.empty()) axis = reduction_name;
  std::string s = one_example ? std::string(one_example_prefix) : "";
  s += axis;
  if (on) s += (axis.empty() ? "" : "_") + rung_word(*on, single_precision);
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
    v.single_precision = r->single;
    return v;
  }
  std::string_view axis = rest;
  if (const auto cut = rest.rfind('_'); cut != std::string_view::npos) {
    if (const auto r = rung_named(rest.substr(cut + 1))) {
      v.on = r->on;
      v.single_precision = r->single;
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
  } else {
    std::vector<std::string> known;
    for (normalisation n : normalisations()) {
      if (to_string(n) == axis) {
        v.norm = n;
        if (v.on && !runs_on(n, *v.on))
          throw unsupported_rung_error(std::string(to_string(n)) + " does not run on the " +
                                       std::string(to_string(*v.on)) + " rung");
        return v;
      }
      known.emplace_back(to_string(n));
    }
    for (const auto *a : activations()) known.push_back(a->name());
    for (const auto *s : strategies()) known.push_back(s->name());
    for (const auto &f : model_families()) known.push_back(f);
    for (const auto &g : reductions()) known.push_back(g);
    throw unknown_name_error("variant axis (activation, strategy, normalisation, model family "
                             "or reduction) in '" + std::string(text) + "'",
                             axis, known);
  }
  return v;
}

std::vector<variant> activation_variants() {
  std::vector<variant> out;
  for (const auto *a : activations())
    for (rung r : {rung::exact, rung::high})
      if (a->supports(r)) out.push_back(variant::of(*a, r));
  return out;
}

std::vector<variant> machine_activation_variants() {
  std::vector<variant> out;
  for (const auto *a : activations())
    for (bool single : {false, true}) out.push_back(variant::machine(*a, single));
  return out;
}

std::vector<variant> best_rung_activation_variants(bool (*keep)(const activation &)) {
  std::vector<variant> out;
  for (const auto *a : activations())
    if (!keep || keep(*a))
      out.push_back(variant::of(*a, a->supports(rung::exact) ? rung::exact : rung::high));
  return out;
}

std::vector<variant> strategy_variants(bool (*keep)(const strategy &)) {
  std::vector<variant> out;
  for (const auto *s : strategies())
    if (!keep || keep(*s)) out.push_back(variant::of(*s));
  return out;
}

} // namespace gradlaws
