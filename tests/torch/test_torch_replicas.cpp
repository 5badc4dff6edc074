// Real replicas: a data-parallel step run on R processes joined by libtorch's c10d Gloo process
// group, on uneven shards and idle ranks; correct steps pass the replica laws, buggy ones are
// caught, and replicas that diverge are named.

#include <gradlaws/checks.hpp>
#include <gradlaws/torch.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

namespace gradlaws {
namespace {
namespace lt = gradlaws::libtorch;
using ::torch::Tensor;

enum class ddp { correct, mean_of_means, diverging };

/// A data-parallel step as written: all-reduce the count of items that count, back-propagate
/// this rank's summed loss ÷ that count, all-reduce (sum) the gradients.
template <ddp How>
void ddp_step(::torch::nn::Sequential &net, const lt::batch &shard, ::c10d::ProcessGroup &group) {
  net->zero_grad();
  std::vector<Tensor> count{shard.mask.sum().to(::torch::kFloat64).reshape({1})};
  const Tensor local_count = count[0].clone();
  group.allreduce(count)->wait();
  const Tensor sum = (shard.losses(net->forward(shard.x)) * shard.mask).sum();
  if (How == ddp::mean_of_means) (sum / local_count.clamp_min(1)).backward();
  else (sum / count[0]).backward();
  const double world = double(group.getSize());
  for (Tensor &p : net->parameters()) {
    std::vector<Tensor> g{p.grad()};
    group.allreduce(g)->wait();
    if (How == ddp::mean_of_means) p.grad().div_(world);
    if (How == ddp::diverging) p.grad().div_(local_count.clamp_min(1).item<double>());
  }
}

check_options replica_options() {
  run_options r;
  r.cases = 10;
  r.seed = 5;
  return {.run = r, .pipeline = strategy_family::replica};
}

auto any_model = [](const model &m) { return lt::sequential(m); };

TEST(TorchReplicas, ADataParallelStepOnRealProcessesPassesTheReplicaLaws) {
  const auto results = check(lt::make_replica_subject("DDP step", any_model, ddp_step<ddp::correct>),
                             replica_options());
  ASSERT_FALSE(results.empty());
  for (const run_result &r : results) EXPECT_TRUE(r.passed) << r.entry << "[" << r.variant << "] " << r.message;
}

TEST(TorchReplicas, ShardMeansAveragedOverTheWorldAreCaughtOnRealProcesses) {
  // One law on one format keeps it short: every real-process call forks R ranks.
  check_options o = replica_options();
  o.laws = {"replica_global_divisor"};
  o.variants = {"double"};
  const auto results = check(
      lt::make_replica_subject("shard mean, average", any_model, ddp_step<ddp::mean_of_means>), o);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, run_status::falsified);
  // Shrunk to uneven shards: two ranks or more, of different sizes.
  EXPECT_NE(results[0].counterexample.find("shard"), std::string::npos) << results[0].counterexample;
}

TEST(TorchReplicas, RanksThatDisagreeAfterTheStepAreNamed) {
  std::vector<std::vector<double>> per_rank{{1, 2}, {1, 2}, {1, 3}};
  EXPECT_MESSAGE(testing_support::message_of<error>([&] { lt::detail::agreed_gradient(per_rank); }),
                 "rank 2's gradient differs from rank 0's (component 1)");
}

TEST(TorchReplicas, ARankThatThrowsIsNamed) {
  EXPECT_MESSAGE(testing_support::message_of<error>([] {
                   lt::detail::run_on_ranks(2, [](int rank, ::c10d::ProcessGroup &) -> std::vector<double> {
                     if (rank == 1) throw std::runtime_error("no data");
                     return {1.0};
                   });
                 }),
                 "replica rank 1 failed: no data");
}

} // namespace
} // namespace gradlaws
