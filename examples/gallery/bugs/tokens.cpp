// Per-token losses over a batch of sequences: the mask marks the positions without a label
// (padding, ignore_index). The loss is Σ over labelled tokens of L_t, divided by a count.

#include "common.hpp"

namespace gallery {
namespace {

enum class divisor {
  labelled,          // the number of tokens with a label: correct
  before_the_shift,  // one more per sequence: counted before the labels were shifted
  every_position     // every position, ignored ones included
};

template <class T>
vec<T> token_loss_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                           const layout &l, divisor d) {
  std::vector<Eigen::Index> labelled;
  for (std::size_t s = 0; s < l.groups.size(); ++s)
    for (Eigen::Index t : valid_items(l, s)) labelled.push_back(t);
  std::size_t n = labelled.size();
  if (d == divisor::before_the_shift) n += l.groups.size();
  if (d == divisor::every_position) n = l.size();
  return backward_of_sum(m, theta, x, y, labelled, T(1) / count<T>(n));
}

pipeline_subject token_subject(const std::string &name, divisor d) {
  return make_pipeline_subject(name, [d]<class T>(const model &m, const vec<T> &theta,
                                                  const mat<T> &x, const mat<T> &y,
                                                  const layout &l) -> vec<T> {
    return token_loss_gradient<T>(m, theta, x, y, l, d);
  });
}

const bool shift = register_gallery_case(
    {.info = {.name = "causal_lm_count_before_shift",
              .title = "a causal LM divides by a token count taken before the label shift",
              .story = "In causal language modelling the labels are the inputs shifted by one, so "
                       "the last position of every sequence has no label. Counting the tokens "
                       "from the attention mask (before the shift) adds one per sequence to the "
                       "divisor, and the gradient shrinks by T/(T+S). Fix: count the labels that "
                       "are not ignored, after the shift.",
              .expected_match = "token_count_before_shift"},
     .bug = token_subject("Σ L_t / (labelled + one per sequence)", divisor::before_the_shift),
     .twin = token_subject("Σ L_t / labelled tokens", divisor::labelled),
     .options = {.pipeline = strategy_family::token}});

const bool smoothing = register_gallery_case(
    {.info = {.name = "label_smoothing_counts_ignored",
              .title = "a label-smoothed token loss averages over ignored positions too",
              .story = "A cross-entropy with label smoothing and an ignore index whose mean was "
                       "taken over every position, ignored (padding) ones included: the ignored "
                       "positions contribute no loss but still count in the divisor, so batches "
                       "with more padding get smaller gradients. Fix: divide by the number of "
                       "positions that are not ignored.",
              .expected_match = "token_every_position"},
     .bug = token_subject("Σ L_t / every position", divisor::every_position),
     .twin = token_subject("Σ L_t / labelled tokens", divisor::labelled),
     .options = {.pipeline = strategy_family::token}});

} // namespace
} // namespace gallery
