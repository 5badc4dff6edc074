// Data-parallel replicas simulated on one CPU: dividing each replica's summed loss by the
// global batch size and summing across replicas is the full-batch gradient for every shard
// layout (idle replicas included); averaging per-replica means, or summing them, is not.

#include "pipeline_cases.hpp"

namespace gradlaws::props {
namespace {

const bool global_divisor = register_strategy_law({
    .words = {.name = "replica_global_divisor",
              .family = "data parallel",
              .claim = "when every replica divides its summed loss by the global batch size N and "
                       "the all-reduce sums the gradients, the result is the full-batch gradient, "
                       "for every shard layout (uneven shards and replicas without data included) "
                       "and every mask",
              .formula = "Σ_r ∇ (Σ_{i∈r} L_i) / N = ∇J",
              .rhs = "batched backprop of J over the valid examples",
              .explanation = "every valid example has weight 1/N whichever replica holds it; a "
                             "replica without data sends 0"},
    .tested = {"all-reduced sum of replica gradients", "replica_global_divisor"},
    .layouts = {gen::any_shards(3, 2, gen::masking::any), 6},
});

/// Full ranks then idle ones: the short last batch that fills whole ranks exactly.
rc::Gen<layout> full_then_idle_shards() {
  return rc::gen::apply(
      [](std::size_t active, std::size_t idle, std::size_t b) {
        std::vector<std::size_t> s(active, b);
        s.insert(s.end(), idle, 0);
        return layout::split(std::move(s));
      },
      gen::count(1, 3), gen::count(0, 2), gen::count(1, 2));
}

const bool replica_fallacies = register_weight_fallacies({
    {
        .words =
            {.name = "replica_mean_of_means",
             .family = "data parallel",
             .claim = "with data parallelism each replica may average over its own shard and the "
                      "all-reduce average the replica gradients: the average of replica means is "
                      "the full-batch gradient, even for the uneven shards of a short last batch",
             .formula = "(1/R) Σ_r ∇J_r = ∇J,   J_r = (1/n_r) Σ_{i∈r} L_i",
             .expected_shape = "shards (2, 1), linear regression at m = b = 0, and one non-zero "
                               "per-example gradient, on the first replica: weights "
                               "[1/4, 1/4, 1/2] against [1/3, 1/3, 1/3]",
             .explanation =
                 "wrong formula: example i on replica r gets weight 1/(R·n_r), so the examples of "
                 "the short shard count more. Right formula: each replica divides its summed loss "
                 "by the global batch size N = Σ_r n_r (e.g. compute_average_loss with the actual "
                 "global batch size) and the all-reduce sums (replica_global_divisor). Equal "
                 "shards are the only case where the two agree (boundary law "
                 "replica_equal_shards)."},
        .tested = {"average of replica mean gradients", "replica_mean_of_means"},
        .witness = {gen::last_batch_shards(3, 3, false), 9},
        .witness_groups = {2, 1},
        .boundary = {.name = "replica_equal_shards",
                     .claim = "with equal shards, the average of the replica mean gradients is "
                              "the full-batch gradient",
                     .formula = "n_r = N/R for every r  ⇒  (1/R) Σ_r ∇J_r = ∇J",
                     .explanation = "1/(R·n_r) = 1/N for every example",
                     .layouts = {gen::equal_shards(3, 3), 9}},
    },
    {
        .words =
            {.name = "replica_local_mean_summed",
             .family = "data parallel",
             .claim = "each replica may divide its summed loss by its local batch size and the "
                      "all-reduce sum the replica gradients: the result is the full-batch gradient",
             .formula = "Σ_r ∇J_r = ∇J,   J_r = (1/n_r) Σ_{i∈r} L_i",
             .expected_shape = "two replicas of one example each, shards (1, 1), linear "
                               "regression at m = b = 0, one non-zero per-example gradient, on "
                               "the first replica: weights [1, 1] against [1/2, 1/2], twice the "
                               "gradient",
             .explanation =
                 "wrong formula: each example gets weight 1/n_r, R times its weight 1/N when the "
                 "shards are equal, so the gradient is R times too large (a learning rate "
                 "silently scaled by the number of replicas). Right formula: divide each "
                 "replica's summed loss by the global batch size N before the summing all-reduce "
                 "(replica_global_divisor). With one replica the two agree (boundary law "
                 "replica_single)."},
        .tested = {"sum of replica mean gradients", "replica_local_sum"},
        .witness = {gen::last_batch_shards(3, 3, false), 9},
        .witness_groups = {1, 1},
        .boundary = {.name = "replica_single",
                     .claim = "with one replica, dividing its summed loss by its local batch "
                              "size is the full-batch gradient",
                     .formula = "R = 1  ⇒  ∇J_1 = ∇J",
                     .explanation = "the local batch is the global batch: 1/n_1 = 1/N",
                     .layouts = {gen::equal_shards(1, 4), 4}},
    },
    {
        .words =
            {.name = "replica_idle_ranks_world_divisor",
             .family = "data parallel",
             .claim = "replicas that ran out of data may send zero gradients into an all-reduce "
                      "that averages over the whole world size: the result is the full-batch "
                      "gradient",
             .formula = "(1/R) Σ_{r active} ∇J_r = ∇J   (idle replicas send 0)",
             .expected_shape = "shards (1, 0): one example on the first replica, none on the "
                               "second, linear regression at m = b = 0: weight [1/2] against "
                               "[1], half the gradient",
             .explanation =
                 "wrong formula: an idle replica adds 0 but still counts in the divisor R "
                 "(averaging over the initial world size, as DDP's Join does with "
                 "divide_by_initial_world_size), so every example's weight is 1/(R·n_r) and the "
                 "last batch's gradient shrinks by R′/R. Right formula: divide summed losses by "
                 "the actual global number of examples (replica_global_divisor); averaging over "
                 "the R′ replicas that had data is right only when their shards are equal "
                 "(boundary law replica_idle_ranks_active_divisor)."},
        .tested = {"average over all R replicas", "replica_mean_of_means"},
        .witness = {gen::last_batch_shards(3, 2, true), 6},
        .witness_groups = {1, 0},
        .boundary = {.name = "replica_idle_ranks_active_divisor",
                     .claim = "when the replicas that still have data hold equal shards, "
                              "averaging over those replicas only (idle replicas leave the "
                              "average) gives the full-batch gradient",
                     .formula = "n_r = N/R′ for every active r  ⇒  (1/R′) Σ_{r active} ∇J_r = ∇J",
                     .explanation = "1/(R′·n_r) = 1/N for every example when the active shards "
                                    "are equal",
                     .layouts = {full_then_idle_shards(), 6},
                     .tested = {{"average over the active replicas",
                                 "replica_mean_of_active_means"}}},
    },
});

} // namespace
} // namespace gradlaws::props
