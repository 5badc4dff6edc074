#include "gradlaws/strategy.hpp"

#include "gradlaws/aggregation.hpp"
#include "gradlaws/detail/registry.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace gradlaws {

// ---------------------------------------------------------------------------------------------
// Layouts

layout layout::whole(std::size_t n) { return {{n}, {}}; }

layout layout::split(std::vector<std::size_t> sizes) { return {std::move(sizes), {}}; }

std::size_t layout::size() const {
  std::size_t n = 0;
  for (std::size_t g : groups) {
    if (g > std::numeric_limits<std::size_t>::max() - n)
      throw dimension_error("layout: the group sizes add up to more than a size_t holds");
    n += g;
  }
  return n;
}

bool layout::counts(std::size_t i) const {
  if (!valid.empty() && i >= valid.size())
    throw dimension_error("layout: item " + std::to_string(i) + " is past the mask's " +
                          std::to_string(valid.size()) + " flags");
  return valid.empty() || valid[i];
}

std::size_t layout::valid_count() const {
  std::size_t c = 0;
  for (std::size_t i = 0, n = size(); i < n; ++i) c += counts(i) ? 1 : 0;
  return c;
}

std::size_t layout::begin(std::size_t k) const {
  if (k >= groups.size())
    throw dimension_error("layout: group " + std::to_string(k) + " is past the last of " +
                          std::to_string(groups.size()) + " groups");
  return std::accumulate(groups.begin(), groups.begin() + std::ptrdiff_t(k), std::size_t(0));
}

std::size_t layout::valid_in(std::size_t k) const {
  if (k >= groups.size())
    throw dimension_error("layout: group " + std::to_string(k) + " is past the last of " +
                          std::to_string(groups.size()) + " groups");
  std::size_t c = 0;
  for (std::size_t i = begin(k), e = i + groups[k]; i < e; ++i) c += counts(i) ? 1 : 0;
  return c;
}

namespace {
std::string sizes_string(const std::vector<std::size_t> &v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}
} // namespace

void layout::validate(std::size_t n) const {
  if (n == 0) throw empty_batch_error("empty batch: a layout needs at least one item");
  if (groups.empty())
    throw empty_batch_error("layout: no groups; use layout::whole(" + std::to_string(n) +
                            ") for one group of the whole batch");
  if (size() != n)
    throw dimension_error("layout: the groups " + sizes_string(groups) + " cover " +
                          std::to_string(size()) + " items but the batch has " + std::to_string(n));
  if (!valid.empty() && valid.size() != n)
    throw dimension_error("layout: the mask has " + std::to_string(valid.size()) +
                          " flags but the batch has " + std::to_string(n) + " items");
  if (valid_count() == 0)
    throw empty_batch_error("layout: every one of the " + std::to_string(n) +
                            " items is masked, so no item counts and the mean is 0/0");
}

std::string layout::describe() const {
  std::string s = sizes_string(groups);
  if (valid.empty()) return s;
  s += " mask [";
  std::size_t i = 0;
  for (std::size_t k = 0; k < groups.size(); ++k) {
    if (k) s += " |";
    for (std::size_t j = 0; j < groups[k]; ++j, ++i) s += std::string(j || k ? " " : "") + (valid[i] ? "1" : "0");
  }
  return s + "]";
}

std::string_view to_string(strategy_family f) {
  switch (f) {
  case strategy_family::batch: return "batch";
  case strategy_family::accumulation: return "accumulation";
  case strategy_family::replica: return "data parallel";
  case strategy_family::token: return "tokens";
  }
  return "?";
}

std::string_view group_word(strategy_family f) {
  switch (f) {
  case strategy_family::batch: return "group";
  case strategy_family::accumulation: return "micro-batch";
  case strategy_family::replica: return "replica";
  case strategy_family::token: return "sequence";
  }
  return "group";
}

// ---------------------------------------------------------------------------------------------
// Strategies

strategy::strategy(strategy_info info, std::function<schedule(const layout &)> plan)
    : info_(std::move(info)), plan_(std::move(plan)) {
  if (!plan_) throw error("strategy '" + info_.name + "' has no schedule");
}

schedule strategy::plan(const layout &l, std::size_t n) const {
  l.validate(n);
  return plan_(l);
}

std::vector<exact> strategy::weights(const layout &l) const {
  std::vector<exact> w(l.size(), exact(0));
  for (const pass &p : plan(l, l.size()))
    for (std::size_t k = 0; k < p.items.size(); ++k) w[p.items[k]] += p.coefficients[k];
  return w;
}

std::vector<exact> correct_weights(const layout &l) {
  l.validate(l.size());
  const exact share(1, long(l.valid_count()));
  std::vector<exact> w(l.size(), exact(0));
  for (std::size_t i = 0; i < w.size(); ++i)
    if (l.counts(i)) w[i] = share;
  return w;
}

std::string weights_string(const std::vector<exact> &w) {
  std::string s = "[";
  for (std::size_t i = 0; i < w.size(); ++i) s += (i ? ", " : "") + to_string(w[i]);
  return s + "]";
}

std::string passes_string(const schedule &s) {
  std::string out;
  for (const pass &p : s) {
    if (p.items.empty()) continue;
    out += out.empty() ? "{" : ", {";
    for (std::size_t k = 0; k < p.items.size(); ++k) out += (k ? ", " : "") + std::to_string(p.items[k] + 1);
    out += "}";
  }
  return out;
}

namespace {

// Schedule building blocks. `coefficient(i)` is called for valid items only; masked items
// ride along in their pass with coefficient 0, as padding does in a real forward pass.
template <class F>
pass make_pass(const layout &l, std::size_t first, std::size_t count, std::string label,
               F coefficient) {
  pass p;
  p.label = std::move(label);
  for (std::size_t i = first; i < first + count; ++i) {
    p.items.push_back(i);
    p.coefficients.push_back(l.counts(i) ? exact(coefficient(i)) : exact(0));
  }
  return p;
}

std::string group_label(strategy_family f, std::size_t k) {
  return std::string(group_word(f)) + " " + std::to_string(k + 1);
}

[[noreturn]] void no_valid_item(strategy_family f, std::size_t k, const layout &l) {
  throw empty_batch_error(group_label(f, k) + " of " + l.describe() +
                          " has no valid item, so its mean loss is 0/0 (NaN in a training "
                          "framework); this strategy needs at least one valid item per " +
                          std::string(group_word(f)));
}

exact inverse(std::size_t n) { return exact(1, long(n)); }

// One pass over the whole batch with a coefficient per item.
template <class F> schedule one_pass(const layout &l, F coefficient) {
  return {make_pass(l, 0, l.size(), "the batch", coefficient)};
}

// One pass per group, each valid item weighted by coefficient(k, n_k); groups without a
// valid item are skipped, or refused when `mean_of_each` (their mean would be 0/0).
template <class F>
schedule per_group(const layout &l, strategy_family f, bool mean_of_each, F coefficient) {
  schedule s;
  for (std::size_t k = 0; k < l.groups.size(); ++k) {
    const std::size_t n_k = l.valid_in(k);
    if (n_k == 0) {
      if (mean_of_each) no_valid_item(f, k, l);
      continue;
    }
    s.push_back(make_pass(l, l.begin(k), l.groups[k], group_label(f, k),
                          [&](std::size_t) { return coefficient(k, n_k); }));
  }
  return s;
}

std::size_t active_groups(const layout &l) {
  std::size_t r = 0;
  for (std::size_t k = 0; k < l.groups.size(); ++k) r += l.valid_in(k) ? 1 : 0;
  return r;
}

detail::registry<strategy> &strategy_table() {
  static detail::registry<strategy> r = [] {
    detail::registry<strategy> t("strategy");
    auto add = [&t](strategy_info info, std::function<schedule(const layout &)> plan) {
      t.add(std::make_unique<strategy>(std::move(info), std::move(plan)));
    };
    using sf = strategy_family;

    add({"batched_mean", sf::batch,
         "one forward and backward pass of the mean loss over the whole batch",
         "∇ (1/N) Σ_i L_i   (N = valid examples)", true},
        [](const layout &l) {
          const exact c = inverse(l.valid_count());
          return one_pass(l, [&](std::size_t) { return c; });
        });
    add({"per_example_mean", sf::batch,
         "N isolated forward and backward passes, one per example, averaged",
         "(1/N) Σ_i ∇L_i   (each L_i from a pass over example i alone)", true},
        [](const layout &l) {
          const exact c = inverse(l.valid_count());
          schedule s;
          for (std::size_t i = 0; i < l.size(); ++i)
            if (l.counts(i))
              s.push_back(make_pass(l, i, 1, "example " + std::to_string(i + 1),
                                    [&](std::size_t) { return c; }));
          return s;
        });
    add({"sum", sf::batch, "one batched pass of the summed loss", "∇ Σ_i L_i", false},
        [](const layout &l) { return one_pass(l, [](std::size_t) { return exact(1); }); });

    add({"accumulate_weighted", sf::accumulation,
         "gradient accumulation: each micro-batch's mean loss scaled by its share n_k/N of the "
         "valid examples (tokens) before backward",
         "Σ_k (n_k/N) ∇J_k,   J_k = (1/n_k) Σ_{i∈k} L_i", true},
        [](const layout &l) {
          const std::size_t n = l.valid_count();
          return per_group(l, sf::accumulation, false, [n](std::size_t, std::size_t n_k) {
            return exact(long(n_k), long(n)) * inverse(n_k);
          });
        });
    add({"accumulate_global_count", sf::accumulation,
         "gradient accumulation: each micro-batch's summed loss divided by the number of valid "
         "examples (tokens) in the whole accumulated batch, counted before the first backward",
         "Σ_k ∇ (Σ_{i∈k} L_i) / N", true},
        [](const layout &l) {
          const exact c = inverse(l.valid_count());
          return per_group(l, sf::accumulation, false, [c](std::size_t, std::size_t) { return c; });
        });
    add({"accumulate_naive", sf::accumulation,
         "gradient accumulation: each micro-batch's mean loss divided by the number of "
         "micro-batches K (mean of micro-batch means)",
         "(1/K) Σ_k ∇J_k,   J_k = (1/n_k) Σ_{i∈k} L_i", false},
        [](const layout &l) {
          const exact k_inv = inverse(l.groups.size());
          return per_group(l, sf::accumulation, true, [k_inv](std::size_t, std::size_t n_k) {
            return k_inv * inverse(n_k);
          });
        });

    add({"replica_global_divisor", sf::replica,
         "data parallel: each replica sums its per-example losses and divides by the global "
         "batch size N; the gradients are all-reduced by summing",
         "Σ_r ∇ (Σ_{i∈r} L_i) / N", true},
        [](const layout &l) {
          const exact c = inverse(l.valid_count());
          return per_group(l, sf::replica, false, [c](std::size_t, std::size_t) { return c; });
        });
    add({"replica_mean_of_means", sf::replica,
         "data parallel: each replica takes the mean over its own shard and the gradients are "
         "all-reduced by averaging over the world size R (a replica without data sends 0)",
         "(1/R) Σ_r ∇J_r,   J_r = (1/n_r) Σ_{i∈r} L_i", false},
        [](const layout &l) {
          const exact r_inv = inverse(l.groups.size());
          return per_group(l, sf::replica, false, [r_inv](std::size_t, std::size_t n_r) {
            return r_inv * inverse(n_r);
          });
        });
    add({"replica_mean_of_active_means", sf::replica,
         "data parallel: as replica_mean_of_means, but averaging over the R′ replicas that still "
         "have data (replicas that ran out leave the average)",
         "(1/R′) Σ_{r active} ∇J_r", false},
        [](const layout &l) {
          const exact r_inv = inverse(active_groups(l));
          return per_group(l, sf::replica, false, [r_inv](std::size_t, std::size_t n_r) {
            return r_inv * inverse(n_r);
          });
        });
    add({"replica_local_sum", sf::replica,
         "data parallel: each replica divides its summed loss by its local batch size n_r and "
         "the gradients are all-reduced by summing",
         "Σ_r ∇J_r,   J_r = (1/n_r) Σ_{i∈r} L_i", false},
        [](const layout &l) {
          return per_group(l, sf::replica, false,
                           [](std::size_t, std::size_t n_r) { return inverse(n_r); });
        });
    add({"replica_nominal_divisor", sf::replica,
         "data parallel: each replica divides its summed loss by the configured global batch "
         "size R·b (b the largest shard, masked examples included), which overcounts a short last "
         "batch",
         "Σ_r ∇ (Σ_{i∈r} L_i) / (R·b)", false, false},
        [](const layout &l) {
          const std::size_t b = *std::max_element(l.groups.begin(), l.groups.end());
          const exact c = inverse(l.groups.size() * b);
          return per_group(l, sf::replica, false, [c](std::size_t, std::size_t) { return c; });
        });

    add({"replica_sum_averaged", sf::replica,
         "data parallel: each replica sums its per-example losses without dividing, and the "
         "gradients are all-reduced by averaging over the world size R (sum-versus-mean "
         "confusion across replicas)",
         "(1/R) Σ_r ∇ Σ_{i∈r} L_i", false},
        [](const layout &l) {
          const exact r_inv = inverse(l.groups.size());
          return per_group(l, sf::replica, false, [r_inv](std::size_t, std::size_t) { return r_inv; });
        });

    add({"token_global_mean", sf::token,
         "per-token losses summed over every valid token of every sequence, divided by the "
         "number of valid tokens T",
         "Σ_{valid t} ∇L_t / T", true},
        [](const layout &l) {
          const exact c = inverse(l.valid_count());
          return one_pass(l, [&](std::size_t) { return c; });
        });
    add({"token_count_before_shift", sf::token,
         "per-token losses summed over the valid tokens and divided by a count taken before the "
         "causal-LM label shift: one more position per sequence than there are labels",
         "Σ_{valid t} ∇L_t / (T + S)", false},
        [](const layout &l) {
          const exact c = inverse(l.valid_count() + l.groups.size());
          return one_pass(l, [&](std::size_t) { return c; });
        });
    add({"token_every_position", sf::token,
         "per-token losses summed over the valid tokens and divided by the number of positions, "
         "ignored (padding) ones included",
         "Σ_{valid t} ∇L_t / (T + ignored)", false, false},
        [](const layout &l) {
          const exact c = inverse(l.size());
          return one_pass(l, [&](std::size_t) { return c; });
        });
    add({"token_mean_of_sequence_means", sf::token,
         "per-token losses averaged within each sequence over its valid tokens, then averaged "
         "over the S sequences",
         "(1/S) Σ_s (1/T_s) Σ_{valid t∈s} ∇L_t", false},
        [](const layout &l) {
          std::vector<exact> c(l.size(), exact(0));
          const exact s_inv = inverse(l.groups.size());
          for (std::size_t k = 0; k < l.groups.size(); ++k) {
            const std::size_t t_k = l.valid_in(k);
            if (t_k == 0) no_valid_item(sf::token, k, l);
            for (std::size_t i = l.begin(k); i < l.begin(k) + l.groups[k]; ++i) c[i] = s_inv * inverse(t_k);
          }
          return one_pass(l, [&](std::size_t i) { return c[i]; });
        });
    // The aggregation modes of sequence and RL fine-tuning code that no strategy above is.
    for (const char *name : {"seq_mean_token_sum", "seq_mean_token_sum_norm", "fixed_denominator"}) {
      const aggregation_mode &a = find_aggregation(name);
      add({a.name, sf::token, "per-token losses aggregated as " + a.framework, a.formula, false,
           a.name != "seq_mean_token_sum_norm"}, // the padded width counts masked positions
          [&a](const layout &l) {
            std::vector<bool> labelled;
            for (std::size_t i = 0; i < l.size(); ++i) labelled.push_back(l.counts(i));
            const std::vector<exact> c = a.coefficients(l.groups, labelled);
            return one_pass(l, [&](std::size_t i) { return c[i]; });
          });
    }
    return t;
  }();
  return r;
}

} // namespace

const strategy &find_strategy(std::string_view name) { return strategy_table().find(name); }

std::vector<const strategy *> strategies() { return strategy_table().all(); }

bool register_strategy(strategy_info info, std::function<schedule(const layout &)> plan) {
  strategy_table().add(std::make_unique<strategy>(std::move(info), std::move(plan)));
  return true;
}

} // namespace gradlaws
