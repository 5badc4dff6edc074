// libtorch steps over the groups of a batch: accumulation loops, data-parallel shards (simulated
// ranks in one process), token sequences with padding and ignored labels.

#include "common.hpp"

#include <algorithm>

namespace torch_gallery {
namespace {

/// Σ over the items that count of L_i, for one group's rows (a micro-batch, a shard).
Tensor masked_sum(net &m, const lt::batch &g) {
  return (g.losses(m->forward(g.x)) * g.mask).sum();
}

/// Accumulation: one backward per micro-batch; `bug`: each micro-batch's own mean ÷ the steps.
template <bool Bug> void accumulate(net &m, const lt::batch &b) {
  m->zero_grad();
  const auto steps = double(b.groups.size());
  const Tensor tokens = b.mask.sum(); // the fix: counted over the whole batch, first
  for (std::size_t k = 0; k < b.groups.size(); ++k) {
    const lt::batch mb = b.group(k);
    if (mb.size() == 0 || mb.mask.sum().item<std::int64_t>() == 0) continue;
    const Tensor j = Bug ? masked_sum(m, mb) / mb.mask.sum() / steps : masked_sum(m, mb) / tokens;
    j.backward();
  }
}

const bool accumulation = register_gallery_case(pipeline_case(
    {.name = "torch_accumulation_loss_over_steps",
     .title = "accumulation divides each micro-batch's mean loss by the number of steps",
     .story = "The usual accumulation loop: loss = criterion(output, target) / accumulation_steps; "
              "loss.backward(). Each micro-batch's criterion is the mean over its own items, so "
              "on micro-batches of unequal size (the last one of an epoch, or token counts) the "
              "items of small micro-batches weigh more. Fix: sum the losses and divide by the "
              "items of the whole accumulated batch.",
     .expected_match = "accumulate_naive"},
    strategy_family::accumulation, "criterion mean / accumulation_steps", accumulate<true>,
    "Σ loss / all items, per micro-batch", accumulate<false>));

enum class ddp { correct, mean_of_means, nominal_divisor };

/// Data parallelism simulated in one process: each rank back-propagates its shard into its own
/// copy of the gradients, and the all-reduce sums (or averages) them.
template <ddp How> void data_parallel(net &m, const lt::batch &b) {
  const auto world = double(b.groups.size());
  const auto per_rank = double(*std::max_element(b.groups.begin(), b.groups.end()));
  std::vector<Tensor> reduced;
  for (const Tensor &p : m->parameters()) reduced.push_back(::torch::zeros_like(p));
  for (std::size_t r = 0; r < b.groups.size(); ++r) {
    m->zero_grad();
    const lt::batch shard = b.group(r);
    const double items = shard.size() ? shard.mask.sum().item<double>() : 0;
    if (items > 0) {
      const Tensor sum = masked_sum(m, shard);
      if (How == ddp::correct) (sum / b.mask.sum()).backward();
      if (How == ddp::mean_of_means) (sum / items).backward();
      if (How == ddp::nominal_divisor) (sum / (world * per_rank)).backward();
    }
    std::size_t k = 0;
    for (const Tensor &p : m->parameters())
      reduced[k++] += p.grad().defined() ? p.grad() : ::torch::zeros_like(p);
  }
  std::size_t k = 0;
  for (Tensor &p : m->parameters())
    p.mutable_grad() = How == ddp::mean_of_means ? reduced[k++] / world : reduced[k++];
}

const bool uneven = register_gallery_case(pipeline_case(
    {.name = "torch_ddp_uneven_shards_world_mean",
     .title = "each rank's mean loss, gradients averaged over the world size, on uneven shards",
     .story = "DistributedDataParallel averages gradients over the world size, and each rank's "
              "loss is the mean over its own shard: right only when every shard is as large. "
              "With a sampler that does not pad (or drop_last off), the last shards are smaller "
              "and their items weigh more. Fix: divide each rank's summed loss by the global "
              "count (all-reduced first) and sum the gradients.",
     .expected_match = "replica_mean_of_means"},
    strategy_family::replica, "shard mean, all-reduce average", data_parallel<ddp::mean_of_means>,
    "Σ loss / global count, all-reduce sum", data_parallel<ddp::correct>));

const bool idle = register_gallery_case(pipeline_case(
    {.name = "torch_ddp_nominal_divisor",
     .title = "each rank divides by the configured global batch, whatever its shard holds",
     .story = "A data-parallel step that divides every rank's summed loss by world_size × "
              "batch_size from the configuration: when the data runs out, shards are smaller or "
              "empty (an idle rank) and the gradient shrinks by the missing items. Fix: divide "
              "by the items actually present, all-reduced.",
     .expected_match = "replica_nominal_divisor"},
    strategy_family::replica, "Σ loss / (world × batch_size)", data_parallel<ddp::nominal_divisor>,
    "Σ loss / global count, all-reduce sum", data_parallel<ddp::correct>));

enum class tokens { correct, mean_over_positions, count_before_shift };

/// Token losses over sequences (the groups): the mask marks the positions with a label.
template <tokens How> void token_step(net &m, const lt::batch &b) {
  m->zero_grad();
  const Tensor masked = b.losses(m->forward(b.x)) * b.mask;
  if (How == tokens::correct) (masked.sum() / b.mask.sum()).backward();
  if (How == tokens::mean_over_positions) masked.mean().backward();
  if (How == tokens::count_before_shift) {
    double sequences = 0;
    for (std::int64_t n : b.groups) sequences += n > 0 ? 1 : 0;
    (masked.sum() / (b.mask.sum() + sequences)).backward();
  }
}

const bool padding = register_gallery_case(pipeline_case(
    {.name = "torch_masked_mean_over_padding",
     .title = "(loss * mask).mean() over padded token positions",
     .story = "Per-token losses masked by the attention mask, then .mean(): the mean divides by "
              "every position, padding included, so a batch with more padding gets a smaller "
              "gradient and every token's weight depends on the others' lengths. Fix: "
              "(loss * mask).sum() / mask.sum().",
     .expected_match = "token_every_position"},
    strategy_family::token, "(loss * mask).mean()", token_step<tokens::mean_over_positions>,
    "(loss * mask).sum() / mask.sum()", token_step<tokens::correct>));

const bool shift = register_gallery_case(pipeline_case(
    {.name = "torch_causal_lm_count_before_shift",
     .title = "a causal LM's token count taken before the labels were shifted",
     .story = "The labels of a causal language model are the inputs shifted by one, so the last "
              "position of every sequence has none. Counting tokens from the attention mask "
              "before the shift adds one per sequence to the divisor. Fix: count the labels that "
              "are not ignored, after the shift.",
     .expected_match = "token_count_before_shift"},
    strategy_family::token, "Σ loss / (mask.sum() + sequences)", token_step<tokens::count_before_shift>,
    "Σ loss / labelled tokens", token_step<tokens::correct>));

/// Label smoothing written by hand over log-probabilities; `bug`: its smoothing term is not
/// masked, so ignored positions carry smoothing mass.
template <bool Bug> void smoothed_step(net &m, const lt::batch &b) {
  m->zero_grad();
  const Tensor logp = ::torch::log_softmax(m->forward(b.x), 1);
  const Tensor nll = F::nll_loss(logp, b.y, F::NLLLossFuncOptions().ignore_index(-100).reduction(::torch::kNone));
  const Tensor smooth = -logp.mean(1);
  const double eps = 0.1;
  const Tensor per_token = (1 - eps) * nll + eps * (Bug ? smooth : smooth * b.mask);
  (per_token.sum() / b.mask.sum()).backward();
}

const bool smoothing = register_gallery_case(pipeline_case(
    {.name = "torch_label_smoothing_on_ignored",
     .title = "hand-written label smoothing puts smoothing mass on ignored tokens",
     .story = "Label smoothing written by hand: (1-ε)·nll_loss(logp, y, ignore_index) + "
              "ε·(-logp.mean(-1)). nll_loss drops the ignored positions, the smoothing term does "
              "not: padding tokens pull the model towards the uniform distribution. Fix: mask "
              "the smoothing term too (or use cross_entropy(label_smoothing=ε), which does).",
     .expected_match = ""},
    strategy_family::token, "smoothing over every position", smoothed_step<true>,
    "smoothing over labelled positions", smoothed_step<false>,
    {.losses = selection<loss>::named({"cross_entropy_smoothed"})}));

} // namespace
} // namespace torch_gallery
