// Data parallelism: each rank back-propagates its shard of the global batch, and the ranks'
// gradients are all-reduced (summed, or averaged over the world size R).

#include "common.hpp"

#include <algorithm>

namespace gallery {
namespace {

enum class ddp {
  correct,           // each rank: Σ L_i / N (the global count); all-reduce: sum
  local_mean_summed, // each rank: its own mean; all-reduce: sum
  mean_of_means,     // each rank: its own mean; all-reduce: average over R
  nominal_divisor,   // each rank: Σ L_i / (R · b), b the configured per-rank batch; sum
  sum_then_average   // each rank: Σ L_i (no division); all-reduce: average over R
};

template <class T>
vec<T> data_parallel(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                     const layout &l, ddp how) {
  const std::size_t world = l.groups.size();
  const std::size_t per_rank = *std::max_element(l.groups.begin(), l.groups.end());
  vec<T> all_reduced = vec<T>::Zero(theta.size());
  for (std::size_t r = 0; r < world; ++r) {
    const auto items = valid_items(l, r);
    T scale(1);
    switch (how) {
    case ddp::correct: scale = T(1) / count<T>(l.valid_count()); break;
    case ddp::local_mean_summed:
    case ddp::mean_of_means: scale = items.empty() ? T(0) : T(1) / count<T>(items.size()); break;
    case ddp::nominal_divisor: scale = T(1) / count<T>(world * per_rank); break;
    case ddp::sum_then_average: break;
    }
    all_reduced += backward_of_sum(m, theta, x, y, items, scale);
  }
  if (how == ddp::mean_of_means || how == ddp::sum_then_average) all_reduced /= count<T>(world);
  return all_reduced;
}

pipeline_subject ddp_subject(const std::string &name, ddp how) {
  return make_pipeline_subject(name, [how]<class T>(const model &m, const vec<T> &theta,
                                                    const mat<T> &x, const mat<T> &y,
                                                    const layout &l) -> vec<T> {
    return data_parallel<T>(m, theta, x, y, l, how);
  });
}

gallery_case replica_case(gallery_info info, const std::string &bug_name, ddp how) {
  return {.info = std::move(info),
          .bug = ddp_subject(bug_name, how),
          .twin = ddp_subject("Σ L_i / N per rank, all-reduce sum", ddp::correct),
          .options = {.pipeline = strategy_family::replica}};
}

const bool local_mean = register_gallery_case(replica_case(
    {.name = "replica_local_mean_summed",
     .title = "each replica divides by its local batch size, and the replicas are summed",
     .story = "A data-parallel step where every rank uses the mean loss of its shard and the "
              "all-reduce sums: the gradient is R times too large on equal shards, and weights "
              "examples by 1/n_r on uneven ones. Fix: divide each rank's summed loss by the global "
              "number of examples N.",
     .expected_match = "replica_local_sum"},
    "local mean, all-reduce sum", ddp::local_mean_summed));

const bool uneven = register_gallery_case(replica_case(
    {.name = "replica_uneven_shards_mean_of_means",
     .title = "the mean over uneven data-parallel shards is the mean of the shards' means",
     .story = "All-reduce averaging of per-rank mean gradients is right only when every shard "
              "holds the same number of examples; with uneven shards (a dataset that does not "
              "divide by the world size, dropped or filtered examples) an example's weight is "
              "1/(R·n_r). Fix: sum the losses and divide by the global count.",
     .expected_match = "replica_mean_of_means"},
    "local mean, all-reduce average", ddp::mean_of_means));

const bool idle = register_gallery_case(replica_case(
    {.name = "replica_idle_ranks_nominal_divisor",
     .title = "ranks divide by the configured global batch size, counting idle ranks",
     .story = "At the end of an epoch some ranks run out of data and send zeros, while every "
              "rank still divides by the configured global batch size R·b: the short last batch "
              "is scaled down. Fix: divide by the number of examples actually in the global "
              "batch.",
     .expected_match = "replica_nominal_divisor"},
    "Σ L_i / (R·b), all-reduce sum", ddp::nominal_divisor));

const bool sum_average = register_gallery_case(replica_case(
    {.name = "replica_sum_then_average",
     .title = "each replica sums its losses, and the all-reduce averages over the replicas",
     .story = "Sum-versus-mean confusion across replicas: the loss is reduced with a sum on each "
              "rank (reduction='sum'), then the gradients are averaged over the world size, so "
              "each example weighs 1/R instead of 1/N. Fix: divide by N, or use the mean on "
              "equal shards.",
     .expected_match = "replica_sum_averaged"},
    "local sum, all-reduce average", ddp::sum_then_average));

} // namespace
} // namespace gallery
