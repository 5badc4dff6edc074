#include "gradlaws/registries.hpp"

#include "gradlaws/activation.hpp"
#include "gradlaws/aggregation.hpp"
#include "gradlaws/loss.hpp"
#include "gradlaws/norm_layers.hpp"
#include "gradlaws/strategy.hpp"

namespace gradlaws {

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
    l.entries.emplace_back(x->name(), "L(ŷ, y) = " + x->info().formula + "  [" +
                                          (x->supports(rung::exact) ? "exact, high" : "high") +
                                          "]; " + x->convention());
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
  registry_listing g{"aggregations", {}};
  for (const aggregation_mode &m : aggregation_modes())
    g.entries.emplace_back(m.name, "J = " + m.formula + "; " + m.framework + "; " +
                                       (m.split_invariant ? "split-invariant" : "NOT split-invariant") +
                                       " when micro-batches are " +
                                       (m.combine == aggregation_mode::combination::sum
                                            ? "summed"
                                            : "scaled by their share of sequences") +
                                       ": " + m.why);
  out.push_back(std::move(g));
  return out;
}

} // namespace gradlaws
