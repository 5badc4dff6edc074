// Gradient accumulation over micro-batches of token sequences.

#include "common.hpp"

namespace gallery {
namespace {

// The 2024 gradient-accumulation bug: each micro-batch's loss is the mean over its own valid
// tokens, and the accumulated gradient is divided by the number of accumulation steps. Tokens
// in micro-batches with few valid tokens count more. The fix: sum the token losses of every
// micro-batch and divide by the number of valid tokens in the whole accumulated batch,
// counted before the first backward pass.
template <class T>
vec<T> accumulate(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                  const layout &l, bool bug) {
  vec<T> g = vec<T>::Zero(theta.size());
  const std::size_t steps = l.groups.size();
  const std::size_t tokens = l.valid_count(); // the fix: counted over all micro-batches first
  for (std::size_t k = 0; k < steps; ++k) {
    const auto items = valid_items(l, k);
    if (items.empty()) continue;
    const T scale = bug ? T(1) / (count<T>(items.size()) * count<T>(steps)) : T(1) / count<T>(tokens);
    g += backward_of_sum(m, theta, x, y, items, scale);
  }
  return g;
}

const bool registered = register_gallery_case(
    {.info = {.name = "accumulation_token_normalisation",
              .title = "gradient accumulation averages each micro-batch's token mean over the steps",
              .story = "Found in 2024 in widely used training loops: with per-token losses, each "
                       "micro-batch's loss was its mean over its own valid tokens, divided by the "
                       "number of accumulation steps, so the accumulated gradient differed from "
                       "the full batch's whenever micro-batches held different numbers of valid "
                       "tokens. Fix: sum token losses and divide by the valid tokens of the whole "
                       "accumulated batch.",
              .expected_match = "accumulate_naive"},
     .bug = make_pipeline_subject("token mean per micro-batch / steps",
                                  []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                              const mat<T> &y, const layout &l) -> vec<T> {
                                    return accumulate<T>(m, theta, x, y, l, true);
                                  }),
     .twin = make_pipeline_subject("token sum / all valid tokens",
                                   []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                               const mat<T> &y, const layout &l) -> vec<T> {
                                     return accumulate<T>(m, theta, x, y, l, false);
                                   }),
     .options = {.pipeline = strategy_family::accumulation}});

} // namespace
} // namespace gallery
