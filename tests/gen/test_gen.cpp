// Unit tests of the generators: what they draw, and that they shrink the way DESIGN.md
// promises (towards 0 and the integers, fewer micro-batches, equal weights, the identity
// permutation, fewer examples and smaller models). Shrinking is tested by walking the
// Shrinkable tree the way RapidCheck does: take the first shrink that still fails, repeat.

#include <gradlaws/backprop.hpp>
#include <gradlaws/gen.hpp>
#include <gradlaws/pipeline_gen.hpp>
#include <gradlaws/property.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <set>
#include <vector>

namespace gradlaws {
namespace {

constexpr int draws = 200; // values drawn per generator test

template <class T> rc::Shrinkable<T> draw(const rc::Gen<T> &g, std::uint64_t seed) {
  // Sizes sweep 0..100 so both the smallest and the nominal draws are covered.
  return g(rc::Random(seed), int(seed % (rc::kNominalSize + 1)));
}

/// A drawn Shrinkable whose value satisfies `failing`, trying seeds in order.
template <class T, class P> rc::Shrinkable<T> draw_failing(const rc::Gen<T> &g, P failing) {
  for (std::uint64_t seed = 0; seed < 10000; ++seed) {
    auto s = draw(g, seed);
    if (failing(s.value())) return s;
  }
  ADD_FAILURE() << "no drawn value satisfies the predicate";
  return draw(g, 0);
}

/// RapidCheck's shrink search: move to the first shrink that still fails, until none does.
template <class T, class P> T shrink_to_minimal(rc::Shrinkable<T> s, P failing) {
  for (bool moved = true; moved;) {
    moved = false;
    auto shrinks = s.shrinks();
    while (auto next = shrinks.next()) {
      if (failing(next->value())) {
        s = std::move(*next);
        moved = true;
        break;
      }
    }
  }
  return s.value();
}

/// The minimal value failing `failing`, from a drawn start.
template <class T, class P> T minimal(const rc::Gen<T> &g, P failing) {
  return shrink_to_minimal(draw_failing(g, failing), failing);
}

/// Applies `check` to every immediate shrink of s.
template <class T, class C> void for_each_shrink(const rc::Shrinkable<T> &s, C check) {
  auto shrinks = s.shrinks();
  while (auto next = shrinks.next()) check(next->value());
}

bool is_small_dyadic(const exact &q) {
  const auto d = denominator(q);
  return abs(numerator(q)) <= 8 && (d == 1 || d == 2 || d == 4);
}

bool is_integer(const exact &q) { return denominator(q) == 1; }

// ---------------------------------------------------------------------------------------------
// Values

TEST(Gen, DyadicDrawsSmallDyadicFractions) {
  for (std::uint64_t seed = 0; seed < draws; ++seed) {
    const auto s = draw(gen::dyadic(), seed);
    EXPECT_TRUE(is_small_dyadic(s.value())) << to_string(s.value());
    for_each_shrink(s, [](const exact &q) { EXPECT_TRUE(is_small_dyadic(q)) << to_string(q); });
  }
}

TEST(Gen, DyadicShrinksFirstToZero) {
  for (std::uint64_t seed = 0; seed < draws; ++seed) {
    const auto s = draw(gen::dyadic(), seed);
    if (s.value() == 0) continue;
    auto shrinks = s.shrinks();
    const auto first = shrinks.next();
    ASSERT_TRUE(bool(first)) << to_string(s.value());
    EXPECT_EQ(first->value(), exact(0)) << "first shrink of " << to_string(s.value());
  }
}

TEST(Gen, DyadicShrinksTowardsZeroAndTheIntegers) {
  EXPECT_EQ(minimal(gen::dyadic(), [](const exact &) { return true; }), exact(0));
  EXPECT_EQ(minimal(gen::dyadic(), [](const exact &q) { return q != 0; }), exact(1)); // 1 before -1
  EXPECT_EQ(minimal(gen::dyadic(), [](const exact &q) { return q < 0; }), exact(-1));
  EXPECT_EQ(minimal(gen::dyadic(), [](const exact &q) { return q > 1; }), exact(2));
  EXPECT_EQ(minimal(gen::dyadic(), [](const exact &q) { return !is_integer(q); }), exact(1, 2));
  // A non-integer always has an integer among its immediate shrinks.
  for (std::uint64_t seed = 0; seed < draws; ++seed) {
    const auto s = draw(gen::dyadic(), seed);
    if (is_integer(s.value())) continue;
    bool integer_shrink = false;
    for_each_shrink(s, [&](const exact &q) { integer_shrink = integer_shrink || is_integer(q); });
    EXPECT_TRUE(integer_shrink) << to_string(s.value());
  }
}

TEST(Gen, NonnegativeDyadicIsNonnegativeAndShrinksToZeroThenOne) {
  for (std::uint64_t seed = 0; seed < draws; ++seed) {
    const exact q = draw(gen::nonnegative_dyadic(), seed).value();
    EXPECT_GE(q, 0);
    EXPECT_TRUE(is_small_dyadic(q)) << to_string(q);
  }
  EXPECT_EQ(minimal(gen::nonnegative_dyadic(), [](const exact &) { return true; }), exact(0));
  EXPECT_EQ(minimal(gen::nonnegative_dyadic(), [](const exact &q) { return q > 0; }), exact(1));
}

TEST(Gen, CountStaysInRangeAndShrinksToItsLowerBound) {
  for (std::uint64_t seed = 0; seed < draws; ++seed) {
    const std::size_t n = draw(gen::count(2, 5), seed).value();
    EXPECT_GE(n, 2u);
    EXPECT_LE(n, 5u);
  }
  EXPECT_EQ(minimal(gen::count(2, 5), [](std::size_t) { return true; }), 2u);
  EXPECT_EQ(minimal(gen::count(2, 5), [](std::size_t n) { return n > 3; }), 4u);
}

TEST(Gen, ColumnsHaveTheRequestedShape) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const mat<exact> m = draw(gen::columns(3, 4), seed).value();
    EXPECT_EQ(m.rows(), 3);
    EXPECT_EQ(m.cols(), 4);
  }
  EXPECT_TRUE(minimal(gen::columns(2, 2), [](const mat<exact> &) { return true; }) ==
              mat<exact>::Zero(2, 2));
}

// ---------------------------------------------------------------------------------------------
// Partitions, weights, permutations

bool is_partition_of(const std::vector<std::size_t> &sizes, std::size_t n) {
  return std::accumulate(sizes.begin(), sizes.end(), std::size_t(0)) == n &&
         std::all_of(sizes.begin(), sizes.end(), [](std::size_t k) { return k >= 1; });
}

TEST(Gen, PartitionAlwaysSumsToNWithSizesAtLeastOne) {
  for (std::size_t n = 1; n <= 6; ++n)
    for (std::uint64_t seed = 0; seed < draws; ++seed) {
      const auto s = draw(gen::partition(n), seed);
      EXPECT_TRUE(is_partition_of(s.value(), n)) << "n = " << n;
      for_each_shrink(s, [n](const std::vector<std::size_t> &p) {
        EXPECT_TRUE(is_partition_of(p, n)) << "shrink, n = " << n;
      });
    }
}

TEST(Gen, PartitionShrinksTowardsOneMicroBatch) {
  for (std::size_t n = 1; n <= 6; ++n)
    EXPECT_EQ(minimal(gen::partition(n), [](const auto &) { return true; }),
              std::vector<std::size_t>{n});
  // Asked for at least two micro-batches, it settles on exactly two.
  for (std::size_t n = 2; n <= 6; ++n)
    EXPECT_EQ(minimal(gen::partition(n), [](const auto &p) { return p.size() >= 2; }).size(), 2u);
}

TEST(Gen, PartitionOfAnEmptyBatchThrows) {
  EXPECT_THROW((void)gen::partition(0), empty_batch_error);
}

bool valid_weights(const std::vector<exact> &w, std::size_t n) {
  exact total(0);
  for (const exact &x : w) {
    if (x < 0) return false;
    total += x;
  }
  return w.size() == n && total > 0;
}

TEST(Gen, WeightsAreNonnegativeWithAPositiveSum) {
  for (std::size_t n = 1; n <= 5; ++n)
    for (std::uint64_t seed = 0; seed < draws; ++seed) {
      const auto s = draw(gen::weights(n), seed);
      EXPECT_TRUE(valid_weights(s.value(), n)) << "n = " << n;
      for_each_shrink(s, [n](const std::vector<exact> &w) {
        EXPECT_TRUE(valid_weights(w, n)) << "shrink, n = " << n;
      });
    }
}

TEST(Gen, WeightsShrinkTowardsEqualWeightsOfOne) {
  for (std::size_t n = 1; n <= 5; ++n)
    EXPECT_EQ(minimal(gen::weights(n), [](const auto &) { return true; }),
              std::vector<exact>(n, exact(1)));
}

bool is_permutation_of_n(std::vector<std::size_t> p, std::size_t n) {
  std::sort(p.begin(), p.end());
  std::vector<std::size_t> identity(n);
  std::iota(identity.begin(), identity.end(), std::size_t(0));
  return p == identity;
}

TEST(Gen, PermutationIsAPermutation) {
  for (std::size_t n = 0; n <= 6; ++n)
    for (std::uint64_t seed = 0; seed < draws; ++seed) {
      const auto s = draw(gen::permutation(n), seed);
      EXPECT_TRUE(is_permutation_of_n(s.value(), n)) << "n = " << n;
      for_each_shrink(s, [n](const std::vector<std::size_t> &p) {
        EXPECT_TRUE(is_permutation_of_n(p, n)) << "shrink, n = " << n;
      });
    }
}

TEST(Gen, PermutationShrinksTowardsTheIdentity) {
  for (std::size_t n = 1; n <= 6; ++n) {
    std::vector<std::size_t> identity(n);
    std::iota(identity.begin(), identity.end(), std::size_t(0));
    EXPECT_EQ(minimal(gen::permutation(n), [](const auto &) { return true; }), identity);
    if (n < 2) continue;
    // Asked for a non-identity permutation, it settles on one swap of neighbours.
    const auto p = minimal(gen::permutation(n), [&](const auto &q) { return q != identity; });
    std::vector<std::size_t> moved;
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] != i) moved.push_back(i);
    ASSERT_EQ(moved.size(), 2u) << "n = " << n;
    EXPECT_EQ(moved[1], moved[0] + 1) << "n = " << n;
  }
}

// ---------------------------------------------------------------------------------------------
// Problems

template <class T> void expect_gradient_runs(const problem &p) {
  const auto l = lift<T>(p);
  EXPECT_NO_THROW((void)gradient<T>(p.m, l.theta, l.x, l.y)) << p.describe();
}

TEST(Gen, ProblemsAreValidOnEveryRung) {
  precision_scope scope(default_digits);
  for (rung r : {rung::exact, rung::high, rung::interval, rung::machine}) {
    gen::problem_options o;
    o.on = r;
    for (std::uint64_t seed = 0; seed < 60; ++seed) {
      const auto s = draw(gen::problems(o), seed);
      const problem &p = s.value();
      EXPECT_NO_THROW(p.validate()) << p.describe();
      EXPECT_EQ(p.on, r);
      EXPECT_TRUE(p.m.supports(r)) << p.describe();
      EXPECT_GE(p.batch_size(), o.min_batch);
      EXPECT_LE(p.batch_size(), o.max_batch);
      EXPECT_LE(p.m.layers().size(), 2 * o.max_hidden + 1);
      for (Eigen::Index k = 0; k < p.theta.size(); ++k) EXPECT_TRUE(is_small_dyadic(p.theta[k]));
      // Valid means it runs: a batch gradient on the rung it was drawn for.
      switch (r) {
      case rung::exact: expect_gradient_runs<exact>(p); break;
      case rung::high: expect_gradient_runs<high>(p); break;
      case rung::interval: expect_gradient_runs<interval>(p); break;
      case rung::machine: expect_gradient_runs<double>(p); break;
      }
      for_each_shrink(s, [](const problem &q) { EXPECT_NO_THROW(q.validate()) << q.describe(); });
    }
  }
}

TEST(Gen, ProblemsHonourTheActivationAndLossOptions) {
  gen::problem_options o;
  o.on = rung::high;
  o.activation = "sigmoid";
  o.loss = "bce_logits";
  o.min_hidden = 1;
  o.min_batch = 2;
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const problem p = draw(gen::problems(o), seed).value();
    EXPECT_NO_THROW(p.validate());
    EXPECT_EQ(p.m.objective_loss().name(), "bce_logits");
    EXPECT_GE(p.m.layers().size(), 3u) << p.describe();
    for (const auto &ly : p.m.layers()) {
      if (ly->kind() == "activation") {
        EXPECT_EQ(ly->describe(), "sigmoid");
      }
    }
    EXPECT_GE(p.batch_size(), 2u);
  }
}

TEST(Gen, ProblemsShrinkToTheSmallestModelAndBatch) {
  gen::problem_options o; // exact rung, any activation and loss, 0–2 hidden layers
  const problem p = minimal(gen::problems(o), [](const problem &) { return true; });
  EXPECT_EQ(p.describe(), "model  Dense(1→1); loss mse\n"
                          "θ      W1[0,0] = 0, b1[0] = 0\n"
                          "batch  (x, y) = ([0], [0])   [N = 1, rung exact]");
  // Asked for a hidden layer and two examples, it keeps exactly that much.
  const problem q = minimal(gen::problems(o), [](const problem &c) {
    return c.m.layers().size() >= 3 && c.batch_size() >= 2;
  });
  EXPECT_EQ(q.m.describe(), "Dense(1→1) → identity → Dense(1→1); loss mse");
  EXPECT_EQ(q.batch_size(), 2u);
}

TEST(Gen, ModelOptionsThatContradictThemselvesThrow) {
  gen::problem_options o;
  o.min_hidden = 3;
  o.max_hidden = 1;
  EXPECT_THROW((void)gen::models(o), error);
}

} // namespace
} // namespace gradlaws

namespace gradlaws {
namespace {

TEST(Gen, AHundredCasesOfEveryLawVariantCoverEveryLossOnItsRung) {
  // The laws draw the loss per case rather than fanning out over it, so coverage of the loss
  // registry rests on the generator: 100 cases at RapidCheck's sizes 0..99 must meet every loss.
  for (const variant &v : variants_of(law_domain{})) {
    const std::string variant = v.name();
    const gen::problem_options o = options_for(v);
    const rc::Gen<problem> g = gen::problems(o);
    std::set<std::string> seen;
    for (int k = 0; k < 100; ++k)
      seen.insert(g(rc::Random(std::uint64_t(k) + 1), k).value().m.objective_loss().name());
    for (const loss *l : losses_on(o.on))
      if (o.class_targets || l->info().target != target_kind::class_index)
        EXPECT_TRUE(seen.count(l->name())) << variant << " never drew the loss " << l->name();
  }
}

TEST(Generators, AModelOfTokenIdsIsDrawnIdsAndNamesItsVocabulary) {
  const model m = make_mlp(2, {}, {}, 1, "mse").with_vocabulary(4);
  EXPECT_EQ(m.describe().rfind("token ids < 4 → ", 0), 0u) << m.describe();
  EXPECT_NE(m.construction_code().find(".with_vocabulary(4)"), std::string::npos);
  EXPECT_EQ(m.with_loss(find_loss("absolute")).vocabulary(), 4u);
  const auto drawn = [&](std::uint64_t seed) {
    return gen::inputs(m, 5)(rc::Random(seed), 100).value();
  };
  std::set<long> seen;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const mat<exact> x = drawn(seed);
    ASSERT_EQ(x.rows(), 2);
    ASSERT_EQ(x.cols(), 5);
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const auto id = label_of(x(i, j));
        ASSERT_TRUE(id && *id >= 0 && *id < 4) << to_string(x(i, j));
        seen.insert(*id);
      }
  }
  EXPECT_EQ(seen.size(), 4u); // every id is drawn
  EXPECT_THROW((void)gen::drawn_batches(m, 2, 0), error); // pipelines draw real inputs
}

} // namespace
} // namespace gradlaws
