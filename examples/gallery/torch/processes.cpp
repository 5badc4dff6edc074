// Data parallelism on real processes: each rank is a process of its own with its own module,
// joined to the others by libtorch's c10d Gloo process group; the step all-reduces as DDP
// code does (gradlaws::libtorch::make_replica_subject).

#include "common.hpp"

namespace torch_gallery {
namespace {

/// All-reduce (sum) of every parameter's gradient through the group.
void all_reduce_gradients(net &m, ::c10d::ProcessGroup &group) {
  for (Tensor &p : m->parameters()) {
    std::vector<Tensor> g{p.grad()};
    group.allreduce(g)->wait();
  }
}

/// The correct step: this rank's summed loss ÷ the all-reduced count of items that count.
void global_count(net &m, const lt::batch &shard, ::c10d::ProcessGroup &group) {
  m->zero_grad();
  std::vector<Tensor> count{shard.mask.sum().to(::torch::kFloat64).reshape({1})};
  group.allreduce(count)->wait();
  ((shard.losses(m->forward(shard.x)) * shard.mask).sum() / count[0]).backward();
  all_reduce_gradients(m, group);
}

/// The bug: this rank's mean loss, gradients averaged over the world size (DDP's default).
void shard_mean(net &m, const lt::batch &shard, ::c10d::ProcessGroup &group) {
  m->zero_grad();
  const Tensor items = shard.mask.sum().to(::torch::kFloat64).clamp_min(1);
  ((shard.losses(m->forward(shard.x)) * shard.mask).sum() / items).backward();
  all_reduce_gradients(m, group);
  for (Tensor &p : m->parameters()) p.grad().div_(double(group.getSize()));
}

const bool processes = register_gallery_case(
    {.info = {.name = "torch_ddp_processes_uneven_shards",
              .title = "on real processes: each rank's mean loss, gradients averaged over the "
                       "world, on uneven shards",
              .story = "The same averaging as torch_ddp_uneven_shards_world_mean, run as it runs "
                       "in training: R processes, each with its own module and its own shard, "
                       "all-reducing through a c10d Gloo process group. Fix: all-reduce the count "
                       "first, divide each rank's summed loss by it, sum the gradients.",
              .expected_match = "replica_mean_of_means",
              .framework = "libtorch"},
     .bug = lt::make_replica_subject("shard mean, all-reduce average", any_model, shard_mean),
     .twin = lt::make_replica_subject("Σ loss / all-reduced count, all-reduce sum", any_model,
                                      global_count),
     // Every call forks R processes: the replica laws alone.
     .options = {.laws = {"replica_global_divisor", "replica_equal_shards", "replica_single"},
                 .pipeline = strategy_family::replica}});

} // namespace
} // namespace torch_gallery
