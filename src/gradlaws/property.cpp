#include "gradlaws/property.hpp"

#include <rapidcheck/detail/Configuration.h>

namespace gradlaws {

namespace detail {
std::string tally_string(const std::map<verdict_kind, int> &tally) {
  std::string s;
  for (const auto &[k, n] : tally) s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(k));
  return s.empty() ? "no cases" : s;
}
} // namespace detail

namespace {
std::string variant_name(const activation &a, rung r) {
  return a.name() + "_" + std::string(to_string(r));
}
} // namespace

std::function<std::vector<std::string>()> activation_variants() {
  return [] {
    std::vector<std::string> out;
    for (const auto *a : activations())
      for (rung r : {rung::exact, rung::high})
        if (a->supports(r)) out.push_back(variant_name(*a, r));
    return out;
  };
}

std::function<std::vector<std::string>()>
best_rung_activation_variants(std::function<bool(const activation &)> keep) {
  return [keep = std::move(keep)] {
    std::vector<std::string> out;
    for (const auto *a : activations())
      if (!keep || keep(*a))
        out.push_back(variant_name(*a, a->supports(rung::exact) ? rung::exact : rung::high));
    return out;
  };
}

std::function<std::vector<std::string>()> single_variant(std::string name) {
  return [name = std::move(name)] { return std::vector<std::string>{name}; };
}

activation_variant parse_activation_variant(const std::string &variant) {
  const auto cut = variant.rfind('_');
  if (cut == std::string::npos)
    throw error("variant '" + variant + "' is not of the form <activation>_<rung>, e.g. relu_exact");
  const activation &a = find_activation(variant.substr(0, cut));
  const rung r = parse_rung(variant.substr(cut + 1));
  if (!a.supports(r))
    throw unsupported_rung_error("activation " + a.name() + " does not run on the " +
                                 std::string(to_string(r)) + " rung");
  return {&a, r};
}

gen::problem_options options_for(const std::string &variant) {
  const auto v = parse_activation_variant(variant);
  gen::problem_options o;
  o.on = v.on;
  o.activation = v.act->name();
  o.min_hidden = 1;
  return o;
}

std::uint64_t default_seed(const std::string &test) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : test) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string reproduce_line(const std::string &test, const rc::detail::Reproduce &r) {
  rc::detail::Configuration config;
  config.reproduce[test] = r;
  // Only the reproduce key: a seed would be ignored while reproducing anyway.
  std::string params = rc::detail::configToMinimalString(config);
  if (const auto at = params.find(" seed="); at != std::string::npos)
    params.erase(at, params.find(' ', at + 1) - at);
  return "RC_PARAMS=\"" + params + "\"";
}

} // namespace gradlaws
