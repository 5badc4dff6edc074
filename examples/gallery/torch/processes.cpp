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

/// The bug: this rank's summed loss ÷ world_size × batch_size from the configuration (the
/// largest shard), whatever the shards hold; gradients summed.
void nominal_divisor(net &m, const lt::batch &shard, ::c10d::ProcessGroup &group) {
  m->zero_grad();
  std::vector<Tensor> largest{::torch::full({1}, double(shard.size()), ::torch::kFloat64)};
  group.allreduce(largest, ::c10d::AllreduceOptions{::c10d::ReduceOp::MAX})->wait();
  const Tensor divisor = largest[0] * double(group.getSize());
  ((shard.losses(m->forward(shard.x)) * shard.mask).sum() / divisor).backward();
  all_reduce_gradients(m, group);
}

/// A real-process case: bug and twin are replica steps, checked by the replica laws alone
/// (every call forks R processes).
gallery_case process_case(gallery_info info, const std::string &bug_name,
                          void (*bug)(net &, const lt::batch &, ::c10d::ProcessGroup &)) {
  info.framework = "libtorch";
  return {.info = std::move(info),
          .bug = lt::make_replica_subject(bug_name, any_model, bug),
          .twin = lt::make_replica_subject("Σ loss / all-reduced count, all-reduce sum", any_model,
                                           global_count),
          .options = {.laws = {"replica_global_divisor", "replica_equal_shards", "replica_single"},
                      .pipeline = strategy_family::replica}};
}

const bool processes = register_gallery_case(process_case(
    {.name = "torch_ddp_processes_uneven_shards",
     .title = "on real processes: each rank's mean loss, gradients averaged over the world, on "
              "uneven shards",
     .story = "The same averaging as torch_ddp_uneven_shards_world_mean, run as it runs in "
              "training: R processes, each with its own module and its own shard, all-reducing "
              "through a c10d Gloo process group. Fix: all-reduce the count first, divide each "
              "rank's summed loss by it, sum the gradients.",
     .expected_match = "replica_mean_of_means"},
    "shard mean, all-reduce average", shard_mean));

const bool idle = register_gallery_case(process_case(
    {.name = "torch_ddp_processes_nominal_divisor",
     .title = "on real processes: every rank divides by world_size × batch_size, idle ranks too",
     .story = "The nominal divisor of torch_ddp_nominal_divisor on real processes: when the data "
              "runs out, the last shards are smaller or empty (an idle rank still joins the "
              "all-reduce with zeros), and the gradient shrinks by the missing items. Fix: "
              "all-reduce the count of items present and divide by it.",
     .expected_match = "replica_nominal_divisor"},
    "Σ loss / (world × batch_size)", nominal_divisor));

} // namespace
} // namespace torch_gallery
