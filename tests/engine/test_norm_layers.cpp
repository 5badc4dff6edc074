// Unit tests of the normalisation layers: BatchNorm (training mode), LayerNorm and batch
// centring — their forward values, their backward passes against the reverse-mode oracle,
// which of them couple the batch, and the errors a batch without spread raises.

#include <gradlaws/backprop.hpp>
#include <gradlaws/gen.hpp>
#include <gradlaws/norm_layers.hpp>
#include <gradlaws/oracle.hpp>
#include <gradlaws/strategy.hpp>
#include <gradlaws/judge.hpp>

#include <gtest/gtest.h>

#include "support.hpp"
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::message_of;

/// A 1 × N row of examples, given exactly and lifted to T.
template <class T> mat<T> row(const std::vector<exact> &xs) {
  mat<T> m(1, Eigen::Index(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) m(0, Eigen::Index(i)) = from_exact<T>(xs[i]);
  return m;
}

template <class T> vec<T> values(const std::vector<exact> &xs) {
  vec<T> v(Eigen::Index(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) v[Eigen::Index(i)] = from_exact<T>(xs[i]);
  return v;
}

/// The normalisation layer alone, 1 → 1, under the Huber loss.
model bare(normalisation n, exact epsilon = default_norm_epsilon()) {
  return model(1, {make_normalisation(n, 1, std::move(epsilon))}, find_loss("huber"));
}

/// Judges two high-rung vectors built at the verdict's precision (no literal tolerance).
verdict judge(const std::function<sides<high>()> &evaluate) {
  return judge_high("computed", "expected", default_digits, 64, evaluate);
}

const vec<exact> gamma1_beta0 = values<exact>({exact(1), exact(0)});

TEST(BatchNorm, NormalisesOverTheBatchToPlusMinusOneForZeroAndTwo) {
  // x = {0, 2}: μ = 1, σ² = 1, so x̂ = ∓1 with ε = 0.
  const batch_norm bn(1);
  const verdict v = judge([&] {
    const vec<high> p = values<high>({exact(1), exact(0)});
    const mat<high> y = bn.forward(row<high>({exact(0), exact(2)}), p.data());
    return sides<high>{vec<high>(y.row(0).transpose()), values<high>({exact(-1), exact(1)})};
  });
  EXPECT_TRUE(v.equal()) << v.to_text();
}

TEST(BatchNorm, EpsilonEntersUnderTheSquareRoot) {
  // x̂ = ∓1/√(1 + ε) for x = {0, 2}.
  const exact eps(1, 4);
  const batch_norm bn(1, eps);
  const verdict v = judge([&] {
    const vec<high> p = values<high>({exact(1), exact(0)});
    const mat<high> y = bn.forward(row<high>({exact(0), exact(2)}), p.data());
    const high s = sqrt(high(1) + from_exact<high>(eps));
    vec<high> want(2);
    want << high(-1) / s, high(1) / s;
    return sides<high>{vec<high>(y.row(0).transpose()), want};
  });
  EXPECT_TRUE(v.equal()) << v.to_text();
}

TEST(BatchNorm, ABatchOfOneWithoutEpsilonIsAZeroVarianceError) {
  const batch_norm bn(1);
  const vec<high> p = values<high>({exact(1), exact(0)});
  const auto m = message_of<zero_variance_error>([&] { bn.forward(row<high>({exact(3)}), p.data()); });
  EXPECT_MESSAGE(m, "zero variance");
  EXPECT_MESSAGE(m, "ε = 0");
  EXPECT_MESSAGE(m, "BatchNorm(1, ε = 0)");
}

TEST(BatchNorm, EqualInputsWithoutEpsilonAreAZeroVarianceError) {
  const batch_norm bn(1);
  const vec<double> p = values<double>({exact(1), exact(0)});
  EXPECT_THROW(bn.forward(row<double>({exact(2), exact(2), exact(2)}), p.data()), zero_variance_error);
}

TEST(BatchNorm, ABatchOfOneWithEpsilonOutputsBeta) {
  // Alone, x̂ = (x - x)/√ε = 0: the output is β whatever x is.
  const batch_norm bn(1, default_norm_epsilon());
  const vec<high> p = values<high>({exact(3), exact(5, 4)});
  const mat<high> y = bn.forward(row<high>({exact(7)}), p.data());
  EXPECT_EQ(y(0, 0), high(5) / 4);
}

TEST(BatchNorm, RefusesTheExactRungAndNamesTheRationalAlternative) {
  const batch_norm bn(1);
  const vec<exact> p = gamma1_beta0;
  const auto m = message_of<unsupported_rung_error>([&] { bn.forward(row<exact>({exact(0), exact(2)}), p.data()); });
  EXPECT_MESSAGE(m, "square root");
  EXPECT_MESSAGE(m, "batch centring");
  EXPECT_FALSE(bn.supports(rung::exact));
  EXPECT_TRUE(bn.supports(rung::high));
}

TEST(BatchNorm, NegativeEpsilonAndZeroWidthAreRefused) {
  EXPECT_THROW(batch_norm(1, exact(-1)), error);
  EXPECT_THROW(batch_norm(0), dimension_error);
  EXPECT_THROW(layer_norm(0), dimension_error);
  EXPECT_THROW(batch_centring(0), dimension_error);
}

TEST(BatchNorm, RunsOnTheIntervalAndMachineRungs) {
  const batch_norm bn(1, default_norm_epsilon());
  precision_scope scope(default_digits);
  const vec<interval> pi = values<interval>({exact(1), exact(0)});
  const mat<interval> yi = bn.forward(row<interval>({exact(0), exact(2)}), pi.data());
  EXPECT_LT(upper(yi(0, 0)), 0);
  EXPECT_GT(lower(yi(0, 1)), 0);
  const vec<float> pf = values<float>({exact(1), exact(0)});
  const mat<float> yf = bn.forward(row<float>({exact(0), exact(2)}), pf.data());
  EXPECT_LT(yf(0, 0), 0.0f);
}

TEST(BatchCentring, CentresExactlyOverTheBatch) {
  const batch_centring bc(1);
  const vec<exact> p = values<exact>({exact(2), exact(1, 2)});
  const mat<exact> y = bc.forward(row<exact>({exact(0), exact(1), exact(5)}), p.data());
  // μ = 2: 2·(x - 2) + 1/2.
  EXPECT_EQ(y, row<exact>({exact(-7, 2), exact(-3, 2), exact(13, 2)}));
}

TEST(LayerNorm, NormalisesEachExampleOverItsOwnFeatures) {
  // Forward of the batch equals forward of each example alone: no coupling.
  const layer_norm ln(2, default_norm_epsilon());
  const vec<double> p = values<double>({exact(1), exact(2), exact(0), exact(1, 2)});
  mat<double> x(2, 3);
  x << 0, 1, -2, 4, 1, 3;
  const mat<double> batch = ln.forward(x, p.data());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    EXPECT_EQ(mat<double>(ln.forward(mat<double>(x.col(j)), p.data())), mat<double>(batch.col(j)));
  EXPECT_FALSE(ln.batch_coupled());
}

TEST(LayerNorm, AWidthOfOneWithoutEpsilonIsAZeroVarianceError) {
  const layer_norm ln(1);
  const vec<high> p = values<high>({exact(1), exact(0)});
  const auto m = message_of<zero_variance_error>([&] { ln.forward(row<high>({exact(1), exact(2)}), p.data()); });
  EXPECT_MESSAGE(m, "example 1");
}

TEST(NormLayers, BatchNormAndBatchCentringCoupleTheBatchAndLayerNormDoesNot) {
  EXPECT_TRUE(bare(normalisation::batch_norm).batch_coupled());
  EXPECT_TRUE(bare(normalisation::batch_centring).batch_coupled());
  EXPECT_FALSE(make_normalised_mlp(2, {2}, {"relu"}, 1, "mse", normalisation::layer_norm).batch_coupled());
  for (normalisation n : normalisations()) EXPECT_EQ(couples_batch(n), n == normalisation::batch_norm || n == normalisation::batch_centring);
}

TEST(NormLayers, ParametersAreNamedGammaThenBetaAndShareOneNumbering) {
  const model m = make_normalised_mlp(1, {2, 1}, {"relu", "relu"}, 1, "mse", normalisation::batch_centring);
  const auto &names = m.parameter_names();
  const std::vector<std::string> first(names.begin() + 4, names.begin() + 8);
  EXPECT_EQ(first, (std::vector<std::string>{"γ1[0]", "γ1[1]", "β1[0]", "β1[1]"}));
  EXPECT_NE(std::find(names.begin(), names.end(), "γ2[0]"), names.end());
  EXPECT_EQ(m.describe(), "Dense(1→2) → BatchCentring(2) → relu → Dense(2→1) → BatchCentring(1) → "
                          "relu → Dense(1→1); loss mse");
}

TEST(NormLayers, InitialParametersSetGammaToOne) {
  const model m = make_normalised_mlp(1, {2}, {"identity"}, 1, "mse", normalisation::layer_norm);
  const vec<exact> init = initial_parameters(m);
  const vec<exact> want = values<exact>({0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0});
  EXPECT_EQ(init, want);
}

TEST(NormLayers, NamesParseAndUnknownNamesListTheKnownOnes) {
  for (normalisation n : normalisations()) EXPECT_EQ(parse_normalisation(to_string(n)), n);
  const auto m = message_of<unknown_name_error>([] { parse_normalisation("group_norm"); });
  EXPECT_MESSAGE(m, "group_norm");
  EXPECT_MESSAGE(m, "batch_centring");
  EXPECT_THROW(make_normalisation(normalisation::none, 1), error);
}

TEST(NormLayers, GeneratorsInsertTheChosenLayerKindAndRefuseUnsupportedRungs) {
  gen::problem_options o;
  o.on = rung::exact;
  o.layer = &find_layer("batch_norm");
  EXPECT_THROW(gen::models(o), unsupported_rung_error);
  o.layer = &find_layer("batch_centring");
  o.min_hidden = 1;
  for (int seed = 1; seed <= 5; ++seed) {
    const model m = gen::models(o)(rc::Random(std::uint64_t(seed)), 50).value();
    EXPECT_TRUE(m.batch_coupled()) << m.describe();
  }
}

// The design's witness: x = {0, 2}, γ = 1, β = 0, Huber loss, y = 0. In the batch
// ∂J/∂γ = (1/2) Σ x̂_i² = 1/(1 + ε); an isolated pass sees x̂ = 0, so ∂L_i/∂γ = 0.
TEST(BatchNorm, IsolatedExamplesLoseTheGammaGradientOfTheBatch) {
  const model m = bare(normalisation::batch_norm);
  const verdict v = judge([&] {
    const mat<high> x = row<high>({exact(0), exact(2)}), y = row<high>({exact(0), exact(0)});
    const vec<high> theta = values<high>({exact(1), exact(0)});
    return sides<high>{gradient<high>(m, theta, x, y),
                       values<high>({exact(1) / (exact(1) + default_norm_epsilon()), exact(0)})};
  });
  EXPECT_TRUE(v.equal()) << v.to_text();
  const vec<high> isolated = find_strategy("per_example_mean")
                                 .gradient<high>(m, values<high>({exact(1), exact(0)}),
                                                 row<high>({exact(0), exact(2)}),
                                                 row<high>({exact(0), exact(0)}), layout::whole(2));
  EXPECT_EQ(isolated, values<high>({exact(0), exact(0)}));
}

TEST(BatchCentring, BackpropMatchesTheOracleExactly) {
  const model m = make_normalised_mlp(2, {2}, {"relu"}, 1, "mse", normalisation::batch_centring);
  vec<exact> theta(m.parameter_count());
  for (Eigen::Index k = 0; k < theta.size(); ++k) theta[k] = exact(long(k % 5) - 2, 2);
  mat<exact> x(2, 3), y(1, 3);
  x << 0, 1, 3, 2, -1, 1;
  y << 1, 0, -2;
  EXPECT_EQ(gradient<exact>(m, theta, x, y), oracle_gradient<exact>(m, theta, x, y));
}

// Backprop through each normalisation layer against the reverse-mode oracle, on random
// problems: exact on the exact rung, judged by the precision-scaling verdict on the high rung.
RC_GTEST_PROP(NormLayers, BackpropMatchesTheOracleOnRandomProblems, ()) {
  const auto n = *rc::gen::element(normalisation::batch_norm, normalisation::layer_norm,
                                   normalisation::batch_centring);
  gen::problem_options o;
  o.on = runs_on(n, rung::exact) ? rung::exact : rung::high;
  o.layer = &find_layer(to_string(n));
  o.min_hidden = 1;
  o.max_hidden = 1;
  const problem p = *gen::problems(o);
  if (o.on == rung::exact) {
    RC_ASSERT(gradient<exact>(p.m, p.theta, p.x, p.y) == oracle_gradient<exact>(p.m, p.theta, p.x, p.y));
  } else {
    const verdict v = judge_high("backprop", "oracle", default_digits, p.operations(), [&] {
      const auto l = lift<high>(p);
      return sides<high>{gradient<high>(p.m, l.theta, l.x, l.y),
                         oracle_gradient<high>(p.m, l.theta, l.x, l.y)};
    });
    RC_ASSERT(v.equal());
  }
}

} // namespace
} // namespace gradlaws
