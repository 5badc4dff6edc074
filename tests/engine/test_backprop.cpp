// Unit tests of the backprop engine: the seed's closed forms for linear regression, agreement
// with the reverse-mode oracle, forward shapes, model descriptions and parameter names, and
// the errors bad input raises (each naming the problem).

#include <gradlaws/backprop.hpp>
#include <gradlaws/gen.hpp>
#include <gradlaws/oracle.hpp>
#include <gradlaws/judge.hpp>

#include <gtest/gtest.h>

#include "support.hpp"
#include <rapidcheck/gtest.h>

#include <functional>
#include <limits>
#include <thread>
#include <string>
#include <utility>
#include <vector>

namespace gradlaws {
namespace {

using gradlaws::testing_support::message_of;

template <class T> vec<T> column(std::initializer_list<T> xs) {
  vec<T> out(Eigen::Index(xs.size()));
  Eigen::Index i = 0;
  for (const T &x : xs) out[i++] = x;
  return out;
}

/// A 1 × N row of examples.
template <class T> mat<T> row(const std::vector<T> &xs) {
  mat<T> m(1, Eigen::Index(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) m(0, Eigen::Index(i)) = xs[i];
  return m;
}

/// The seed's closed forms for f(x) = m·x + b and J = (1/N) Σ (y_i - f(x_i))²:
///   ∂J/∂m = −(2/N) Σ x_i (y_i − f(x_i)),   ∂J/∂b = −(2/N) Σ (y_i − f(x_i)).
vec<exact> closed_form(const exact &m, const exact &b, const std::vector<exact> &x,
                       const std::vector<exact> &y) {
  const exact n(static_cast<long>(x.size()));
  exact sum_xr(0), sum_r(0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const exact r = y[i] - (m * x[i] + b);
    sum_xr += x[i] * r;
    sum_r += r;
  }
  return column<exact>({-exact(2) / n * sum_xr, -exact(2) / n * sum_r});
}

struct seed_batch {
  exact m, b;
  std::vector<exact> x, y;
};

std::vector<seed_batch> hand_picked() {
  return {
      {exact(0), exact(0), {exact(0), exact(1)}, {exact(0), exact(1)}},
      {exact(2), exact(-1), {exact(1), exact(2), exact(3)}, {exact(1), exact(3), exact(5)}},
      {exact(1, 2), exact(1, 4),
       {exact(-1), exact(1, 2), exact(3), exact(0)},
       {exact(2), exact(0), exact(-3, 4), exact(1)}},
      {exact(1), exact(0), {exact(2)}, {exact(0)}},
      {exact(-3, 4), exact(5, 2), {exact(7, 4), exact(7, 4)}, {exact(-1, 2), exact(6)}},
  };
}

// ---------------------------------------------------------------------------------------------
// The seed's closed forms

TEST(Backprop, LinearRegressionParametersAreNamedMAndB) {
  EXPECT_EQ(linear_regression().parameter_names(), (std::vector<std::string>{"m", "b"}));
  EXPECT_EQ(linear_regression().describe(), "Dense(1→1); loss mse");
}

TEST(Backprop, LinearRegressionGradientIsTheSeedsClosedFormOnHandPickedBatches) {
  const model lr = linear_regression();
  for (const auto &c : hand_picked()) {
    const vec<exact> theta = column<exact>({c.m, c.b});
    const vec<exact> g = gradient<exact>(lr, theta, row(c.x), row(c.y));
    EXPECT_TRUE(g == closed_form(c.m, c.b, c.x, c.y))
        << "backprop " << to_string(g) << " vs closed form " << to_string(closed_form(c.m, c.b, c.x, c.y));
    EXPECT_TRUE(oracle_gradient<exact>(lr, theta, row(c.x), row(c.y)) == g);
  }
}

TEST(Backprop, LinearRegressionGradientKnownValues) {
  const model lr = linear_regression();
  // m = b = 0, batch {(0, 0), (1, 1)}: ∂J/∂m = -(2/2)(0·0 + 1·1), ∂J/∂b = -(2/2)(0 + 1).
  const vec<exact> g = gradient<exact>(lr, column<exact>({exact(0), exact(0)}),
                                       row<exact>({exact(0), exact(1)}),
                                       row<exact>({exact(0), exact(1)}));
  EXPECT_EQ(g[0], exact(-1)); // -(2/2)·1
  EXPECT_EQ(g[1], exact(-1)); // -(2/2)·1
  // A perfect fit y = 2x - 1 has a zero gradient.
  const vec<exact> fit = gradient<exact>(lr, column<exact>({exact(2), exact(-1)}),
                                         row<exact>({exact(1), exact(2)}),
                                         row<exact>({exact(1), exact(3)}));
  EXPECT_EQ(fit[0], exact(0)); // every residual is 0
  EXPECT_EQ(fit[1], exact(0));
}

RC_GTEST_PROP(Backprop, LinearRegressionGradientIsTheSeedsClosedFormOnGeneratedBatches, ()) {
  const auto n = *gen::count(1, 6);
  const auto x = *rc::gen::container<std::vector<exact>>(n, gen::dyadic());
  const auto y = *rc::gen::container<std::vector<exact>>(n, gen::dyadic());
  const exact m = *gen::dyadic(), b = *gen::dyadic();
  const model lr = linear_regression();
  const vec<exact> theta = column<exact>({m, b});
  const vec<exact> expected = closed_form(m, b, x, y);
  RC_ASSERT(gradient<exact>(lr, theta, row(x), row(y)) == expected);
  RC_ASSERT(oracle_gradient<exact>(lr, theta, row(x), row(y)) == expected);
}

TEST(Backprop, OracleAgreesWithBackpropOnTheHighRung) {
  const model mlp = make_mlp(2, {3}, {"tanh"}, 1, "mse");
  vec<exact> theta(Eigen::Index(mlp.parameter_count()));
  for (Eigen::Index k = 0; k < theta.size(); ++k) theta[k] = exact(long(k % 5) - 2, 4);
  mat<exact> x(2, 3), y(1, 3);
  x << exact(0), exact(1), exact(-1, 2), exact(1, 4), exact(2), exact(-1);
  y << exact(1), exact(0), exact(3, 4);
  const verdict v = judge_high(
      "batched backprop of J", "reverse-mode oracle ∇J", default_digits,
      4.0 * double(mlp.parameter_count() * 3), [&] {
        const vec<high> th = theta.unaryExpr([](const exact &q) { return from_exact<high>(q); });
        const mat<high> xh = x.unaryExpr([](const exact &q) { return from_exact<high>(q); });
        const mat<high> yh = y.unaryExpr([](const exact &q) { return from_exact<high>(q); });
        return sides<high>{gradient<high>(mlp, th, xh, yh), oracle_gradient<high>(mlp, th, xh, yh)};
      });
  EXPECT_TRUE(v.equal()) << v.to_text();
}

TEST(Backprop, OracleAgreesWithBackpropExactlyOnARationalMlp) {
  const model mlp = make_mlp(2, {3, 2}, {"relu", "cube"}, 2, "huber");
  vec<exact> theta(Eigen::Index(mlp.parameter_count()));
  for (Eigen::Index k = 0; k < theta.size(); ++k) theta[k] = exact(long(k % 7) - 3, 2);
  mat<exact> x(2, 3), y(2, 3);
  x << exact(0), exact(1), exact(-1, 2), exact(1, 4), exact(2), exact(-1);
  y << exact(1), exact(0), exact(3, 4), exact(-2), exact(1, 2), exact(5);
  for (const reduction &r :
       {reduction::mean(), reduction::sum(), reduction::weighted({exact(1), exact(0), exact(3)})})
    EXPECT_TRUE(gradient<exact>(mlp, theta, x, y, r) == oracle_gradient<exact>(mlp, theta, x, y, r))
        << r.describe();
}

// ---------------------------------------------------------------------------------------------
// Shapes and descriptions

TEST(Backprop, ForwardKeepsEveryLayersInputWithTheBatchAsColumns) {
  const model mlp = make_mlp(2, {3}, {"relu"}, 2, "mse");
  EXPECT_EQ(mlp.parameter_count(), 17u);                                // (2·3 + 3) + (3·2 + 2)
  EXPECT_EQ(mlp.offsets(), (std::vector<std::size_t>{0, 9, 9, 17}));   // relu has no parameters
  const vec<exact> theta = vec<exact>::Constant(17, exact(1, 2));
  const mat<exact> x = mat<exact>::Constant(2, 5, exact(1));
  tape<exact> t;
  const mat<exact> yhat = forward<exact>(mlp, theta, x, &t);
  EXPECT_EQ(yhat.rows(), 2);
  EXPECT_EQ(yhat.cols(), 5);
  ASSERT_EQ(t.inputs.size(), 3u);
  EXPECT_EQ(t.inputs[0].rows(), 2);
  EXPECT_EQ(t.inputs[1].rows(), 3);
  EXPECT_EQ(t.inputs[2].rows(), 3);
  for (const auto &in : t.inputs) EXPECT_EQ(in.cols(), 5);
  EXPECT_TRUE(t.output == yhat);
  // Each hidden unit: (1/2)(1 + 1) + 1/2 = 3/2; each output: (1/2)(3 · 3/2) + 1/2 = 11/4.
  EXPECT_EQ(yhat(0, 0), exact(11, 4)); // 9/4 + 1/2
  EXPECT_EQ(gradient<exact>(mlp, theta, x, mat<exact>::Zero(2, 5)).size(), 17);
}

TEST(Backprop, LinearRegressionForwardIsMXPlusB) {
  const mat<exact> yhat = forward<exact>(linear_regression(), column<exact>({exact(2), exact(1)}),
                                         row<exact>({exact(0), exact(1), exact(-1, 2)}));
  EXPECT_TRUE(yhat == row<exact>({exact(1), exact(3), exact(0)})); // 2x + 1
}

TEST(Backprop, MlpDescribesItsLayersAndLoss) {
  EXPECT_EQ(make_mlp(2, {3}, {"relu"}, 1, "mse").describe(),
            "Dense(2→3) → relu → Dense(3→1); loss mse");
  EXPECT_EQ(make_mlp(1, {}, {}, 2, "huber").describe(), "Dense(1→2); loss huber");
  EXPECT_EQ(make_mlp(1, {1}, {"relu"}, 1, "mse").parameter_names(),
            (std::vector<std::string>{"W1[0,0]", "b1[0]", "W2[0,0]", "b2[0]"}));
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(Backprop, InputRowsNotMatchingTheModelRaiseDimensionError) {
  const model lr = linear_regression();
  const auto m = message_of<dimension_error>([&] {
    (void)gradient<exact>(lr, vec<exact>::Zero(2), mat<exact>::Zero(2, 3), mat<exact>::Zero(1, 3));
  });
  EXPECT_MESSAGE(m, "X has 2 rows but the model takes 1 inputs");
}

TEST(Backprop, TargetRowsNotMatchingTheModelRaiseDimensionError) {
  const model lr = linear_regression();
  const auto m = message_of<dimension_error>([&] {
    (void)gradient<exact>(lr, vec<exact>::Zero(2), mat<exact>::Zero(1, 3), mat<exact>::Zero(2, 3));
  });
  EXPECT_MESSAGE(m, "Y has 2 rows but the model has 1 outputs");
}

TEST(Backprop, DifferentExampleCountsInXAndYRaiseDimensionError) {
  const model lr = linear_regression();
  const auto m = message_of<dimension_error>([&] {
    (void)gradient<exact>(lr, vec<exact>::Zero(2), mat<exact>::Zero(1, 3), mat<exact>::Zero(1, 2));
  });
  EXPECT_MESSAGE(m, "X has 3 examples but Y has 2");
}

TEST(Backprop, ParameterVectorOfTheWrongLengthRaisesDimensionError) {
  const model lr = linear_regression();
  const auto m = message_of<dimension_error>([&] {
    (void)gradient<exact>(lr, vec<exact>::Zero(3), mat<exact>::Zero(1, 2), mat<exact>::Zero(1, 2));
  });
  EXPECT_MESSAGE(m, "θ has 3 entries");
  EXPECT_MESSAGE(m, "has 2 parameters");
  // forward checks its own inputs too.
  EXPECT_THROW((void)forward<exact>(lr, vec<exact>::Zero(1), mat<exact>::Zero(1, 2)),
               dimension_error);
  EXPECT_THROW((void)oracle_gradient<exact>(lr, vec<exact>::Zero(1), mat<exact>::Zero(1, 2),
                                            mat<exact>::Zero(1, 2)),
               dimension_error);
}

TEST(Backprop, EmptyBatchRaisesEmptyBatchError) {
  const model lr = linear_regression();
  const auto m = message_of<empty_batch_error>([&] {
    (void)gradient<exact>(lr, vec<exact>::Zero(2), mat<exact>(1, 0), mat<exact>(1, 0));
  });
  EXPECT_MESSAGE(m, "empty batch");
  EXPECT_THROW((void)mean_of_example_gradients<exact>(lr, vec<exact>::Zero(2), mat<exact>(1, 0),
                                                      mat<exact>(1, 0)),
               empty_batch_error);
  EXPECT_THROW((void)forward<exact>(lr, vec<exact>::Zero(2), mat<exact>(1, 0)), empty_batch_error);
}

TEST(Backprop, NanParameterOnDoubleRaisesNonfiniteErrorNamingIt) {
  const model lr = linear_regression();
  const auto m = message_of<nonfinite_error>([&] {
    (void)gradient<double>(lr, column<double>({std::numeric_limits<double>::quiet_NaN(), 0.0}),
                           mat<double>::Zero(1, 2), mat<double>::Zero(1, 2));
  });
  EXPECT_MESSAGE(m, "(m)");
  EXPECT_MESSAGE(m, "NaN");
  const auto inf = message_of<nonfinite_error>([&] {
    (void)gradient<double>(lr, column<double>({0.0, std::numeric_limits<double>::infinity()}),
                           mat<double>::Zero(1, 2), mat<double>::Zero(1, 2));
  });
  EXPECT_MESSAGE(inf, "(b)");
}

TEST(Backprop, NanParameterOnHighRaisesNonfiniteErrorNamingIt) {
  precision_scope scope(default_digits);
  const model lr = linear_regression();
  for (int k : {0, 1}) {
    vec<high> theta = vec<high>::Zero(2);
    theta[k] = std::numeric_limits<high>::quiet_NaN();
    const auto m = message_of<nonfinite_error>([&] {
      (void)gradient<high>(lr, theta, mat<high>::Zero(1, 2), mat<high>::Zero(1, 2));
    });
    EXPECT_MESSAGE(m, k == 0 ? "(m)" : "(b)");
    EXPECT_THROW((void)oracle_gradient<high>(lr, theta, mat<high>::Zero(1, 2), mat<high>::Zero(1, 2)),
                 nonfinite_error);
  }
}

TEST(Backprop, NanInTheBatchRaisesNonfiniteErrorNamingTheExample) {
  const model lr = linear_regression();
  mat<double> x = mat<double>::Zero(1, 3);
  x(0, 1) = std::numeric_limits<double>::quiet_NaN();
  const auto m = message_of<nonfinite_error>(
      [&] { (void)gradient<double>(lr, vec<double>::Zero(2), x, mat<double>::Zero(1, 3)); });
  EXPECT_MESSAGE(m, "input x_2[0]");
  mat<double> y = mat<double>::Zero(1, 3);
  y(0, 2) = -std::numeric_limits<double>::infinity();
  const auto t = message_of<nonfinite_error>(
      [&] { (void)gradient<double>(lr, vec<double>::Zero(2), mat<double>::Zero(1, 3), y); });
  EXPECT_MESSAGE(t, "target y_3[0]");
}

TEST(Backprop, UnknownActivationNameRaisesUnknownNameError) {
  const auto m = message_of<unknown_name_error>(
      [] { (void)make_mlp(1, {2}, {"nope"}, 1, "mse"); });
  EXPECT_MESSAGE(m, "unknown activation 'nope'");
  EXPECT_MESSAGE(m, "relu");
}

TEST(Backprop, UnknownLossNameRaisesUnknownNameError) {
  const auto m = message_of<unknown_name_error>([] { (void)linear_regression("nope"); });
  EXPECT_MESSAGE(m, "unknown loss 'nope'");
  EXPECT_MESSAGE(m, "mse");
}

TEST(Backprop, MismatchedModelShapesRaiseDimensionError) {
  EXPECT_MESSAGE(message_of<dimension_error>([] { (void)make_mlp(1, {2}, {}, 1, "mse"); }),
                 "1 hidden widths but 0 activations");
  EXPECT_MESSAGE(message_of<dimension_error>([] { (void)make_mlp(1, {0}, {"relu"}, 1, "mse"); }),
                 "widths must be positive");
  const auto chained = message_of<dimension_error>([] {
    (void)model(1, {std::make_shared<dense>(1, 3), std::make_shared<dense>(2, 1)}, find_loss("mse"));
  });
  EXPECT_MESSAGE(chained, "layer 2 (Dense(2→1)) takes 2 inputs but receives 3");
}

TEST(Backprop, BackwardWithAMisshapenUpstreamRaisesDimensionError) {
  const model lr = linear_regression();
  const vec<exact> theta = vec<exact>::Zero(2);
  tape<exact> t;
  (void)forward<exact>(lr, theta, mat<exact>::Zero(1, 3), &t);
  const auto m = message_of<dimension_error>(
      [&] { (void)backward<exact>(lr, theta, t, mat<exact>::Zero(1, 2)); });
  EXPECT_MESSAGE(m, "upstream error is 1×2 but the output is 1×3");
  EXPECT_THROW((void)example_gradient<exact>(lr, theta, mat<exact>::Zero(1, 3),
                                             mat<exact>::Zero(1, 3), 3),
               dimension_error);
}

// ---------------------------------------------------------------------------------------------
// Workspaces: matrices kept from call to call change no result

/// A sigmoid MLP's problem in quarters, on rung T at the current precision.
struct quarter_problem {
  model m = make_mlp(3, {4, 2}, {"sigmoid", "tanh"}, 2, "mse");
  vec<exact> theta;
  mat<exact> x, y;
  explicit quarter_problem(Eigen::Index n, long seed) : theta(Eigen::Index(m.parameter_count())), x(3, n), y(2, n) {
    long k = seed;
    auto next = [&k] { k = (k * 37 + 11) % 17; return dyadic_fraction(k - 8, 2); };
    for (Eigen::Index i = 0; i < theta.size(); ++i) theta[i] = next();
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = next();
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = next();
  }
  template <class T> vec<T> gradient_now() const {
    return gradient<T>(m, lift<T>(theta), lift<T>(x), lift<T>(y));
  }
  template <class T> vec<T> mean_of_examples_now() const {
    return mean_of_example_gradients<T>(m, lift<T>(theta), lift<T>(x), lift<T>(y));
  }
};

/// Bitwise equality of two high vectors, precision included.
bool same_bits(const vec<high> &a, const vec<high> &b) {
  if (a.size() != b.size()) return false;
  for (Eigen::Index k = 0; k < a.size(); ++k) {
    const mpfr_srcptr x = a[k].backend().data(), y = b[k].backend().data();
    if (mpfr_get_prec(x) != mpfr_get_prec(y) || mpfr_cmp(x, y) != 0) return false;
  }
  return true;
}

TEST(Workspace, APassAtOnePrecisionAfterAnotherComputesWhatAFreshThreadComputes) {
  const quarter_problem p(5, 3);
  // On a thread of its own (fresh workspaces), at 50 digits.
  vec<high> fresh, fresh_mean;
  std::thread([&] {
    const precision_scope scope(50);
    fresh = p.gradient_now<high>();
    fresh_mean = p.mean_of_examples_now<high>();
  }).join();
  // Here: after passes at 75 digits and on another shape, the workspaces are reused or rebuilt.
  {
    const precision_scope scope(75);
    (void)p.gradient_now<high>();
    (void)p.mean_of_examples_now<high>();
  }
  const quarter_problem other(2, 5);
  {
    const precision_scope scope(50);
    (void)other.gradient_now<high>();
    EXPECT_TRUE(same_bits(p.gradient_now<high>(), fresh));
    EXPECT_TRUE(same_bits(p.mean_of_examples_now<high>(), fresh_mean));
    EXPECT_EQ(mpfr_get_prec(p.gradient_now<high>()[0].backend().data()),
              mpfr_get_prec(high(1).backend().data()));
  }
  {
    const precision_scope scope(75);
    EXPECT_FALSE(same_bits(p.gradient_now<high>(), fresh)); // 75 digits: not the 50-digit result
  }
}

TEST(Workspace, TheSameShapeAtAnotherPrecisionComputesWhatAFreshThreadComputes) {
  // Each pass at 50 digits, then at once the same pass at 75 on this thread: every kept matrix
  // fits the shape, so only its precision tells that it must be rebuilt. (Another pass in
  // between would reshape them: the batch gradient's pass and the per-example passes differ in
  // shape.) The result at 75 digits is compared bit for bit with a fresh thread's.
  const quarter_problem p(4, 6);
  const std::vector<std::pair<const char *, std::function<vec<high>()>>> passes{
      {"batch gradient", [&p] { return p.gradient_now<high>(); }},
      {"mean of per-example gradients", [&p] { return p.mean_of_examples_now<high>(); }},
      {"forward and backward", [&p] {
         const lifted<high> l = lift<high>(problem{p.m, p.theta, p.x, p.y, rung::high});
         const mat<high> yhat = forward<high>(p.m, l.theta, l.x);
         tape<high> t;
         (void)forward<high>(p.m, l.theta, l.x, &t);
         const vec<high> back = backward<high>(p.m, l.theta, t, mat<high>(yhat - l.y));
         vec<high> both(yhat.size() + back.size());
         both << Eigen::Map<const vec<high>>(yhat.data(), yhat.size()), back;
         return both;
       }}};
  for (const auto &[name, pass] : passes) {
    vec<high> fresh;
    std::thread([&] {
      const precision_scope scope(75);
      fresh = pass();
    }).join();
    {
      const precision_scope scope(50);
      (void)pass();
    }
    const precision_scope scope(75);
    EXPECT_TRUE(same_bits(pass(), fresh)) << name << " at 75 digits after the same pass at 50";
  }
}

TEST(Workspace, ExactAndMachineResultsDoNotDependOnTheCallsBefore) {
  const quarter_problem relu_free(4, 7);
  const model relu = make_mlp(3, {4, 2}, {"relu", "relu"}, 2, "mse");
  const auto first = gradient<exact>(relu, relu_free.theta, relu_free.x, relu_free.y);
  const quarter_problem small(1, 2);
  (void)gradient<exact>(relu, small.theta, small.x, small.y);
  EXPECT_TRUE(gradient<exact>(relu, relu_free.theta, relu_free.x, relu_free.y) == first);
  const auto d = relu_free.gradient_now<double>();
  (void)small.gradient_now<double>();
  EXPECT_EQ(relu_free.gradient_now<double>(), d);
}

TEST(Workspace, CodeUnderTestThatCallsTheEngineFromInsideAPassGetsWorkspacesOfItsOwn) {
  const quarter_problem p(4, 9);
  const precision_scope scope(40);
  const lifted<high> l = lift<high>(problem{p.m, p.theta, p.x, p.y, rung::high});
  // The code under test computes each example's gradient as a mean over a batch of one, itself
  // through the engine: nested inside mean_of_example_gradients's own loop.
  const batch_gradient_fn<high> nested = [](const model &m, const vec<high> &th, const mat<high> &x,
                                             const mat<high> &y, const reduction &r) {
    const vec<high> inner = mean_of_example_gradients<high>(m, th, x, y);
    return r.k == reduction::kind::sum ? vec<high>(inner * high(int(x.cols()))) : inner;
  };
  EXPECT_TRUE(same_bits(mean_of_example_gradients<high>(p.m, l.theta, l.x, l.y, nested),
                        mean_of_example_gradients<high>(p.m, l.theta, l.x, l.y)));
}

} // namespace
} // namespace gradlaws
