#include "gradlaws/aggregation.hpp"

#include "gradlaws/error.hpp"

#include <algorithm>
#include <numeric>

namespace gradlaws {

namespace {

enum class rule { token_mean, seq_sum, seq_mean, sum_norm, fixed };

struct mode_entry {
  aggregation_mode mode;
  rule r;
};

const std::vector<mode_entry> &entries() {
  using c = aggregation_mode::combination;
  static const std::vector<mode_entry> e{
      {{"token_mean", "verl loss_agg_mode='token-mean' (the default); TRL's bnpo",
        "Σ_s Σ_t L_st / Σ_s T_s", c::sequence_share, false,
        "each micro-batch divides by its own token count, so a token's weight depends on the "
        "micro-batch it lands in; only a global count (Σ over every micro-batch and rank, taken "
        "before the first backward) makes it split-invariant"},
       rule::token_mean},
      {{"seq_mean_token_sum", "verl loss_agg_mode='seq-mean-token-sum'",
        "(1/S) Σ_s Σ_t L_st", c::sequence_share, true,
        "a mean over sequences of a per-sequence quantity: scaling micro-batch k by S_k/S "
        "restores 1/S"},
       rule::seq_sum},
      {{"seq_mean_token_mean", "verl loss_agg_mode='seq-mean-token-mean'; TRL's grpo",
        "(1/S) Σ_s (1/T_s) Σ_t L_st", c::sequence_share, true,
        "a mean over sequences of each sequence's own token mean: scaling micro-batch k by S_k/S "
        "restores 1/S"},
       rule::seq_mean},
      {{"seq_mean_token_sum_norm",
        "verl loss_agg_mode='seq-mean-token-sum-norm' without loss_scale_factor",
        "Σ_s Σ_t L_st / H,   H = the padded width (the longest sequence of the micro-batch)",
        c::sum, false,
        "H is the micro-batch's padded width: micro-batches padded to different widths divide "
        "by different H; with a fixed H (loss_scale_factor) it is fixed_denominator"},
       rule::sum_norm},
      {{"fixed_denominator",
        "Dr. GRPO's constant normaliser; verl's seq-mean-token-sum-norm with loss_scale_factor",
        "Σ_s Σ_t L_st / D,   D = " + std::to_string(fixed_denominator) + " (a constant of the run)",
        c::sum, true, "every micro-batch divides by the same constant, so their sum is the whole"},
       rule::fixed},
  };
  return e;
}

std::vector<std::string> names() {
  std::vector<std::string> n;
  for (const auto &e : entries()) n.push_back(e.mode.name);
  return n;
}

const mode_entry &entry_of(const aggregation_mode &m) {
  for (const auto &e : entries())
    if (e.mode.name == m.name) return e;
  throw unknown_name_error("aggregation mode", m.name, names());
}

} // namespace

std::vector<exact> aggregation_mode::coefficients(const std::vector<std::size_t> &lengths,
                                                  const std::vector<bool> &labelled) const {
  const std::size_t n = std::accumulate(lengths.begin(), lengths.end(), std::size_t(0));
  if (lengths.empty()) throw empty_batch_error("aggregation " + name + ": no sequence");
  if (labelled.size() != n)
    throw dimension_error("aggregation " + name + ": " + std::to_string(labelled.size()) +
                          " label flags for " + std::to_string(n) + " tokens");
  const long s = long(lengths.size());
  const std::size_t total = std::size_t(std::count(labelled.begin(), labelled.end(), true));
  const rule r = entry_of(*this).r;
  if (r == rule::token_mean && total == 0)
    throw empty_batch_error("aggregation " + name + ": no labelled token to divide by");
  const long width = long(*std::max_element(lengths.begin(), lengths.end()));
  std::vector<exact> c(n, exact(0));
  std::size_t t = 0;
  for (std::size_t k = 0; k < lengths.size(); t += lengths[k++]) {
    const long labelled_here = long(std::count(labelled.begin() + long(t),
                                                labelled.begin() + long(t + lengths[k]), true));
    for (std::size_t i = t; i < t + lengths[k]; ++i) {
      if (!labelled[i]) continue;
      switch (r) {
      case rule::token_mean: c[i] = exact(1, long(total)); break;
      case rule::seq_sum: c[i] = exact(1, s); break;
      case rule::seq_mean: c[i] = exact(1, s * labelled_here); break;
      case rule::sum_norm: c[i] = exact(1, width); break;
      case rule::fixed: c[i] = exact(1, fixed_denominator); break;
      }
    }
  }
  return c;
}

const std::vector<aggregation_mode> &aggregation_modes() {
  static const std::vector<aggregation_mode> m = [] {
    std::vector<aggregation_mode> out;
    for (const auto &e : entries()) out.push_back(e.mode);
    return out;
  }();
  return m;
}

const aggregation_mode &find_aggregation(std::string_view name) {
  for (const auto &m : aggregation_modes())
    if (m.name == name) return m;
  throw unknown_name_error("aggregation mode", name, names());
}

} // namespace gradlaws
