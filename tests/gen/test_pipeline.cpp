// Unit tests of the training-pipeline pieces: layouts and their errors, the strategy
// registry's exact weight vectors and gradients, the coupling detector, and the pipeline
// generators' shapes.

#include <gradlaws/coupling.hpp>
#include <gradlaws/norm_layers.hpp>
#include <gradlaws/pipeline_gen.hpp>
#include <gradlaws/strategy.hpp>

#include <gtest/gtest.h>

#include "support.hpp"
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::message_of;

std::vector<exact> q(std::initializer_list<exact> xs) { return xs; }
exact frac(long n, long d) { return exact(n, d); }

std::vector<exact> weights_of(const std::string &name, const layout &l) {
  return find_strategy(name).weights(l);
}

/// A 1 × N row of exact examples.
mat<exact> row(const std::vector<exact> &xs) {
  mat<exact> m(1, Eigen::Index(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) m(0, Eigen::Index(i)) = xs[i];
  return m;
}

// ---------------------------------------------------------------------------------------------
// Layouts

TEST(Layout, GroupsThatDoNotCoverTheBatchAreADimensionError) {
  const auto m = message_of<dimension_error>([] { layout::split({1, 2}).validate(4); });
  EXPECT_MESSAGE(m, "(1, 2) cover 3 items but the batch has 4");
}

TEST(Layout, AMaskOfTheWrongLengthIsADimensionError) {
  const auto m = message_of<dimension_error>([] { layout{{2, 1}, {true, false}}.validate(3); });
  EXPECT_MESSAGE(m, "mask has 2 flags but the batch has 3");
}

TEST(Layout, EveryItemMaskedIsAnEmptyBatchError) {
  const auto m = message_of<empty_batch_error>([] { layout{{2}, {false, false}}.validate(2); });
  EXPECT_MESSAGE(m, "every one of the 2 items is masked");
}

TEST(Layout, AnEmptyBatchOrNoGroupsIsAnEmptyBatchError) {
  EXPECT_THROW(layout::whole(0).validate(0), empty_batch_error);
  EXPECT_THROW(layout{}.validate(3), empty_batch_error);
}

TEST(Layout, DescribesGroupsAndMask) {
  EXPECT_EQ(layout::split({1, 2}).describe(), "(1, 2)");
  EXPECT_EQ((layout{{2, 2}, {true, false, true, true}}).describe(), "(2, 2) mask [1 0 | 1 1]");
}

// ---------------------------------------------------------------------------------------------
// Weight vectors: the design's table, exactly.

TEST(Strategy, MeanOfMicroBatchMeansWeighsTheShortMicroBatchMore) {
  EXPECT_EQ(weights_of("accumulate_naive", layout::split({1, 2})), q({frac(1, 2), frac(1, 4), frac(1, 4)}));
}

TEST(Strategy, AverageOfReplicaMeansOverShardsTwoAndOne) {
  EXPECT_EQ(weights_of("replica_mean_of_means", layout::split({2, 1})), q({frac(1, 4), frac(1, 4), frac(1, 2)}));
}

TEST(Strategy, LocalDivisionSummedGivesTwoReplicasOfOneExampleTwiceTheWeight) {
  EXPECT_EQ(weights_of("replica_local_sum", layout::split({1, 1})), q({1, 1}));
}

TEST(Strategy, MeanOfSequenceMeansWithPaddingWeighsTheShortSequenceMore) {
  // Sequences of 1 and 2 valid tokens, the first right-padded by one ignored token.
  const layout l{{2, 2}, {true, false, true, true}};
  EXPECT_EQ(weights_of("token_mean_of_sequence_means", l), q({frac(1, 2), 0, frac(1, 4), frac(1, 4)}));
  EXPECT_EQ(weights_of("token_global_mean", l), q({frac(1, 3), 0, frac(1, 3), frac(1, 3)}));
}

TEST(Strategy, IdleReplicasHalveTheGradientUnderTheWorldSizeDivisorOnly) {
  const layout l = layout::split({1, 0});
  EXPECT_EQ(weights_of("replica_mean_of_means", l), q({frac(1, 2)}));
  EXPECT_EQ(weights_of("replica_mean_of_active_means", l), q({1}));
  EXPECT_EQ(weights_of("replica_global_divisor", l), q({1}));
}

TEST(Strategy, NominalDivisorUndercountsAShortLastBatch) {
  EXPECT_EQ(weights_of("replica_nominal_divisor", layout::split({2, 1})), q({frac(1, 4), frac(1, 4), frac(1, 4)}));
}

TEST(Strategy, CorrectStrategiesGiveTheFullBatchWeightsOnEveryLayout) {
  const std::vector<layout> layouts{layout::split({1, 2}), layout::split({3, 0, 1}),
                                    layout{{2, 2}, {true, false, false, true}},
                                    layout{{1, 2}, {false, true, true}}};
  for (const auto *s : strategies()) {
    if (!s->info().correct_weights) continue;
    for (const layout &l : layouts) EXPECT_EQ(s->weights(l), correct_weights(l)) << s->name() << " " << l.describe();
  }
}

TEST(Strategy, AMicroBatchWithoutValidItemsIsAnErrorForMeansOfMeansOnly) {
  const layout l{{1, 2}, {true, false, false}};
  const auto m = message_of<empty_batch_error>([&] { weights_of("accumulate_naive", l); });
  EXPECT_MESSAGE(m, "micro-batch 2");
  EXPECT_MESSAGE(m, "0/0");
  EXPECT_EQ(weights_of("accumulate_weighted", l), q({1, 0, 0}));
  EXPECT_MESSAGE(message_of<empty_batch_error>([&] { weights_of("token_mean_of_sequence_means", l); }),
                 "sequence 2");
}

TEST(Strategy, PassesShowWhichExamplesShareAForwardPass) {
  const layout l = layout::split({1, 2});
  EXPECT_EQ(passes_string(find_strategy("accumulate_naive").plan(l, 3)), "{1}, {2, 3}");
  EXPECT_EQ(passes_string(find_strategy("per_example_mean").plan(l, 3)), "{1}, {2}, {3}");
  EXPECT_EQ(passes_string(find_strategy("batched_mean").plan(l, 3)), "{1, 2, 3}");
}

TEST(Strategy, UnknownAndDuplicateNamesAreErrors) {
  const auto m = message_of<unknown_name_error>([] { find_strategy("accumulate_magic"); });
  EXPECT_MESSAGE(m, "accumulate_naive");
  strategy_info taken;
  taken.name = "batched_mean";
  EXPECT_THROW(register_strategy(taken, [](const layout &) { return schedule{}; }), error);
}

TEST(Strategy, ARegisteredStrategyJoinsTheRegistry) {
  // Every example counted twice: a weight vector of 2/N.
  register_strategy({"test_double_mean", strategy_family::batch, "twice the mean", "2 ∇J", false},
                    [](const layout &l) {
                      schedule s{{{}, {}, "the batch"}};
                      for (std::size_t i = 0; i < l.size(); ++i) {
                        s[0].items.push_back(i);
                        s[0].coefficients.push_back(exact(2, long(l.valid_count())));
                      }
                      return s;
                    });
  EXPECT_EQ(weights_of("test_double_mean", layout::whole(2)), q({1, 1}));
  const auto all = strategies();
  EXPECT_EQ(all.back()->name(), "test_double_mean");
}

// ---------------------------------------------------------------------------------------------
// Gradients

// The seed's linear regression at m = b = 0 with (x, y) = (0, 1), (0, 0), (0, 0): per-example
// gradients (0, -2), 0, 0, so the sides are -2 × the weight of example 1.
TEST(Strategy, MeanOfMicroBatchMeansMissesTheFullBatchGradientByTheWeights) {
  const model m = linear_regression();
  const vec<exact> theta = vec<exact>::Zero(2);
  const mat<exact> x = row(q({0, 0, 0})), y = row(q({1, 0, 0}));
  const layout l = layout::split({1, 2});
  vec<exact> naive(2), full(2);
  naive << 0, -1;                 // -2 · 1/2
  full << 0, exact(-2, 3);        // -2 · 1/3
  EXPECT_EQ(find_strategy("accumulate_naive").gradient<exact>(m, theta, x, y, l), naive);
  EXPECT_EQ(find_strategy("accumulate_weighted").gradient<exact>(m, theta, x, y, l), full);
  EXPECT_EQ(find_strategy("batched_mean").gradient<exact>(m, theta, x, y, l), full);
}

TEST(Strategy, EveryStrategyIsItsWeightedSumOfPerExampleGradients) {
  const model m = make_mlp(1, {2}, {"relu"}, 1, "mse");
  vec<exact> theta(m.parameter_count());
  theta << 1, -1, frac(1, 2), 0, 1, 2, frac(-1, 4);
  const mat<exact> x = row(q({0, 1, 2, -1})), y = row(q({1, 0, frac(1, 2), 2}));
  const layout l{{1, 3}, {true, true, false, true}};
  for (const auto *s : strategies()) {
    const auto w = s->weights(l);
    vec<exact> sum = vec<exact>::Zero(theta.size());
    for (std::size_t i = 0; i < w.size(); ++i)
      sum += w[i] * example_gradient<exact>(m, theta, x, y, Eigen::Index(i));
    EXPECT_EQ(s->gradient<exact>(m, theta, x, y, l), sum) << s->name();
  }
}

TEST(Strategy, GradientChecksTheLayoutAgainstTheBatch) {
  const model m = linear_regression();
  const vec<exact> theta = vec<exact>::Zero(2);
  const mat<exact> x = row(q({0, 1, 2})), y = row(q({1, 0, 0}));
  EXPECT_THROW(find_strategy("accumulate_naive").gradient<exact>(m, theta, x, y, layout::split({1, 1})),
               dimension_error);
}

TEST(Strategy, RunsOnTheMachineRung) {
  const model m = linear_regression();
  const vec<double> theta = vec<double>::Zero(2);
  mat<double> x(1, 3), y(1, 3);
  x << 0, 0, 0;
  y << 1, 0, 0;
  const vec<double> g = find_strategy("accumulate_naive").gradient<double>(m, theta, x, y, layout::split({1, 2}));
  EXPECT_EQ(g[1], -1.0); // dyadic: exact in binary
}

// ---------------------------------------------------------------------------------------------
// The coupling detector

problem bare_problem(normalisation n, rung on, const std::vector<exact> &xs) {
  const model m(1, {make_normalisation(n, 1)}, find_loss("huber"));
  vec<exact> theta(2);
  theta << 1, 0;
  return problem{m, theta, row(xs), mat<exact>::Zero(1, Eigen::Index(xs.size())), on};
}

TEST(Coupling, BatchCentringCouplesTwoExamplesAtZero) {
  const problem p = bare_problem(normalisation::batch_centring, rung::exact, q({0, 0}));
  const auto found = detect_coupling(p, row(q({1, 1})));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->example, 1u);   // moving x_1 changes example 2's gradient …
  EXPECT_EQ(found->perturbed, 0u);
  // … from 0 to (r·c, r) with c = x_2 - μ = -1/2 and the Huber residual r = c.
  EXPECT_EQ(found->judged.lhs_text(), "[1/4, -1/2]");
  EXPECT_EQ(found->judged.rhs_text(), "[0, 0]");
}

TEST(Coupling, BatchNormCouplesOnTheHighRung) {
  const problem p = bare_problem(normalisation::batch_norm, rung::high, q({0, 0}));
  EXPECT_TRUE(detect_coupling(p, row(q({1, 0}))).has_value());
}

TEST(Coupling, LayerNormAndPlainModelsCoupleNothing) {
  problem ln{make_normalised_mlp(1, {2}, {"identity"}, 1, "mse", normalisation::layer_norm),
             vec<exact>(), row(q({0, 1, 3})), row(q({1, 0, 2})), rung::high};
  ln.theta = initial_parameters(ln.m);
  ln.theta[0] = 1;
  ln.theta[1] = -2;
  EXPECT_FALSE(detect_coupling(ln, row(q({1, 2, -1}))).has_value());
  problem mlp{make_mlp(1, {2}, {"relu"}, 1, "mse"), vec<exact>::Ones(7), row(q({0, 1, 3})),
              row(q({1, 0, 2})), rung::exact};
  EXPECT_FALSE(detect_coupling(mlp, row(q({1, 2, -1}))).has_value());
}

TEST(Coupling, InBatchGradientOfAnUncoupledModelIsTheIsolatedOne) {
  const model m = make_mlp(1, {2}, {"relu"}, 1, "mse");
  const vec<exact> theta = vec<exact>::Ones(7);
  const mat<exact> x = row(q({0, 1, 3})), y = row(q({1, 0, 2}));
  for (Eigen::Index i = 0; i < 3; ++i)
    EXPECT_EQ(in_batch_example_gradient<exact>(m, theta, x, y, i), example_gradient<exact>(m, theta, x, y, i));
}

TEST(Coupling, ProbesRefuseTheSameExampleAndMisshapenShifts) {
  const problem p = bare_problem(normalisation::batch_centring, rung::exact, q({0, 0}));
  const vec<exact> d = vec<exact>::Ones(1);
  EXPECT_MESSAGE(message_of<dimension_error>([&] { coupling_probe<exact>(p.m, p.theta, p.x, p.y, 0, 0, d); }),
                 "must differ");
  EXPECT_THROW(coupling_probe<exact>(p.m, p.theta, p.x, p.y, 0, 1, vec<exact>::Ones(2)), dimension_error);
  EXPECT_THROW(detect_coupling(p, row(q({1}))), dimension_error);
}

// ---------------------------------------------------------------------------------------------
// Generators

bool ascending(const std::vector<std::size_t> &v) { return std::is_sorted(v.begin(), v.end()); }

RC_GTEST_PROP(PipelineGen, LayoutsAreValidAndHaveTheirShapes, ()) {
  const layout a = *gen::ascending_split(3, 3);
  a.validate(a.size());
  RC_ASSERT(ascending(a.groups));
  const layout e = *gen::equal_split(3, 3);
  RC_ASSERT(std::adjacent_find(e.groups.begin(), e.groups.end(), std::not_equal_to<>()) == e.groups.end());
  const layout s = *gen::last_batch_shards(3, 3, true);
  s.validate(s.size());
  RC_ASSERT(std::is_sorted(s.groups.rbegin(), s.groups.rend()));
  const layout t = *gen::equal_token_sequences(3, 3, 2);
  for (std::size_t k = 0; k < t.groups.size(); ++k) RC_ASSERT(t.valid_in(k) == t.valid_in(0));
  const layout m = *gen::any_sequences(3, 3, gen::masking::every_group_counts);
  for (std::size_t k = 0; k < m.groups.size(); ++k) RC_ASSERT(m.valid_in(k) > 0u);
  const layout r = *gen::any_shards(3, 2, gen::masking::any);
  r.validate(r.size());
}

RC_GTEST_PROP(PipelineGen, DrawnBatchesFitTheModel, ()) {
  const model m = *gen::around_layer(find_layer("batch_centring"), rung::exact, "huber");
  const auto d = *gen::drawn_batches(m, 3, 1);
  RC_ASSERT(std::size_t(d.theta.size()) == m.parameter_count());
  RC_ASSERT(d.x.cols() == 3 && std::size_t(d.x.rows()) == m.input_dim());
  RC_ASSERT(d.y.cols() == 3 && std::size_t(d.y.rows()) == m.output_dim());
  RC_ASSERT(d.shift.cols() == 1);
}

} // namespace
} // namespace gradlaws
