// Subjects: the code under test as one callable per rung; gradlaws's own engine as the default.

#include <gradlaws/subject.hpp>
#include <gradlaws/literals.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

namespace gradlaws {
namespace {

TEST(Subject, TheBuiltInBatchGradientRunsOnEveryBackwardRung) {
  const gradient_subject &g = backprop_subject();
  EXPECT_EQ(g.name(), "gradlaws backprop");
  EXPECT_TRUE(g.runs_on<exact>());
  EXPECT_TRUE(g.runs_on<high>());
  EXPECT_TRUE(g.runs_on<interval>());
  EXPECT_TRUE(g.runs_on<double>());
  EXPECT_TRUE(g.runs_on<float>());
  const model m = linear_regression();
  const auto x = matrix_of<exact>(1, 2, {"0", "1"}), y = matrix_of<exact>(1, 2, {"0", "1"});
  EXPECT_EQ(g.on<exact>()(m, vector_of<exact>({"0", "0"}), x, y, reduction::mean()),
            vector_of<exact>({"-1", "-1"}));
}

TEST(Subject, ACallableForDoubleOnlyRunsOnTheMachineRungOnly) {
  const gradient_subject mine = make_gradient_subject(
      "my double gradient", [](const model &m, const vec<double> &theta, const mat<double> &x,
                               const mat<double> &y, const reduction &r) {
        return gradient<double>(m, theta, x, y, r);
      });
  EXPECT_TRUE(mine.runs_on<double>());
  EXPECT_FALSE(mine.runs_on<exact>());
  EXPECT_FALSE(mine.runs_on<float>());
  const std::string message =
      testing_support::message_of<unsupported_rung_error>([&] { (void)mine.on<exact>(); });
  EXPECT_MESSAGE(message, "my double gradient");
  EXPECT_MESSAGE(message, "exact");
}

TEST(Subject, AStrategyRunsItsPassesOnTheGivenBatchGradient) {
  // A batch gradient that doubles every gradient: accumulation through it doubles too.
  const gradient_subject twice = make_gradient_subject(
      "twice", []<class T>(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                           const reduction &r) {
        return vec<T>(T(2) * gradient<T>(m, theta, x, y, r));
      });
  const model m = linear_regression();
  const auto theta = vector_of<exact>({"1/2", "0"});
  const auto x = matrix_of<exact>(1, 3, {"1", "2", "3"}), y = matrix_of<exact>(1, 3, {"0", "1", "1"});
  const strategy &s = find_strategy("accumulate_weighted");
  EXPECT_EQ(s.gradient<exact>(m, theta, x, y, layout::split({1, 2}), on<exact>(twice)),
            vec<exact>(exact(2) * gradient<exact>(m, theta, x, y)));
  EXPECT_EQ(strategy_subject(s).on<exact>()(m, theta, x, y, layout::split({1, 2})),
            gradient<exact>(m, theta, x, y));
}

} // namespace
} // namespace gradlaws
