// Bad input to the engine's public entry points gets a named gradlaws error — never a crash, an
// out-of-bounds read or a silent NaN.

#include <gradlaws/activation.hpp>
#include <gradlaws/backprop.hpp>
#include <gradlaws/literals.hpp>
#include <gradlaws/strategy.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <limits>

namespace gradlaws {
namespace {

using testing_support::message_of;

struct seed_case {
  model m = linear_regression();
  vec<double> theta = lift<double>(vector_of<exact>({"1", "0"}));
  mat<double> x = lift<double>(matrix_of<exact>(1, 2, {"0", "1"}));
  mat<double> y = lift<double>(matrix_of<exact>(1, 2, {"0", "1"}));
};

TEST(Inputs, BackwardWithAShortThetaIsADimensionError) {
  seed_case c;
  tape<double> t;
  forward<double>(c.m, c.theta, c.x, &t);
  EXPECT_MESSAGE(message_of<dimension_error>([&] {
                   backward<double>(c.m, vec<double>::Zero(1), t, mat<double>::Ones(1, 2));
                 }),
                 "θ has 1 entries");
}

TEST(Inputs, AnEmptyTapeOrAnotherModelsTapeIsADimensionError) {
  seed_case c;
  EXPECT_MESSAGE(message_of<dimension_error>([&] {
                   backward<double>(c.m, c.theta, tape<double>{}, mat<double>::Ones(1, 2));
                 }),
                 "run forward() of this model");
  const model mlp = make_mlp(1, {2}, {"relu"}, 1, "mse");
  tape<double> other;
  forward<double>(mlp, vec<double>::Zero(Eigen::Index(mlp.parameter_count())), c.x, &other);
  EXPECT_THROW(backward<double>(c.m, c.theta, other, mat<double>::Ones(1, 2)), dimension_error);
}

TEST(Inputs, OutputErrorsAndLossesCheckShapes) {
  seed_case c;
  EXPECT_THROW(output_errors<double>(c.m, mat<double>::Ones(2, 2), mat<double>::Ones(2, 2)),
               dimension_error);
  EXPECT_THROW(output_errors<double>(c.m, mat<double>::Ones(1, 2), mat<double>::Ones(1, 3)),
               dimension_error);
  const loss &mse = find_loss("mse");
  const vec<double> two = vec<double>::Ones(2), three = vec<double>::Ones(3), none(0);
  EXPECT_MESSAGE(message_of<dimension_error>([&] { mse.gradient(two, three); }), "loss mse");
  EXPECT_THROW(mse.value(none, none), dimension_error);
}

TEST(Inputs, ANullLayerIsRefused) {
  EXPECT_MESSAGE(message_of<error>([] {
                   model(1, {std::make_shared<dense>(1, 1), nullptr}, find_loss("mse"));
                 }),
                 "layer 2 of the model is a null pointer");
}

TEST(Inputs, LayoutsRefuseOverflowAndIndicesPastTheEnd) {
  const layout huge{{std::numeric_limits<std::size_t>::max(), 2}, {}};
  EXPECT_THROW((void)huge.size(), dimension_error);
  EXPECT_THROW(huge.validate(3), dimension_error);
  const layout l = layout::split({1, 2});
  EXPECT_THROW((void)l.valid_in(2), dimension_error);
  EXPECT_THROW((void)l.begin(5), dimension_error);
}

TEST(Inputs, AWidthTooLargeToHoldIsADimensionErrorNotBadAlloc) {
  EXPECT_MESSAGE(message_of<dimension_error>([] { dense(100000, 100000); }),
                 "more than 10000000 parameters");
}

TEST(Inputs, ANaNUpstreamErrorIsNamed) {
  seed_case c;
  tape<double> t;
  forward<double>(c.m, c.theta, c.x, &t);
  mat<double> up = mat<double>::Ones(1, 2);
  up(0, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_MESSAGE(message_of<nonfinite_error>([&] { backward<double>(c.m, c.theta, t, up); }),
                 "upstream error");
}

TEST(Inputs, ANaNInputToForwardIsNamed) {
  seed_case c;
  c.x(0, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_MESSAGE(message_of<nonfinite_error>([&] { forward<double>(c.m, c.theta, c.x); }), "X");
}

TEST(Inputs, FiniteInputsThatOverflowInsideAreNamedWhereTheyOverflow) {
  const model m = make_mlp(1, {1}, {"cube"}, 1, "mse");
  vec<double> theta = vec<double>::Zero(Eigen::Index(m.parameter_count()));
  theta[0] = 1e200; // W1 x = 1e200, then cubed
  mat<double> x = mat<double>::Ones(1, 1);
  EXPECT_MESSAGE(message_of<nonfinite_error>([&] { forward<double>(m, theta, x); }),
                 "layer 2 (cube)");
}

TEST(Inputs, TheDerivativeAtTheMeanRefusesANaNInput) {
  vec<double> z(2);
  z << 0.0, std::numeric_limits<double>::quiet_NaN();
  EXPECT_MESSAGE(message_of<nonfinite_error>(
                     [&] { derivative_at_mean(find_activation("sigmoid"), z); }),
                 "z_2");
}

} // namespace
} // namespace gradlaws
