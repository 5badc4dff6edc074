// gradlaws::torch: the bridge between gradlaws's values and libtorch's, checked against
// gradlaws's own backprop (the adapter computes the same gradient for every loss convention),
// and libtorch training steps checked by the laws: correct ones pass, buggy ones are caught.

#include <gradlaws/checks.hpp>
#include <gradlaws/norm_layers.hpp>
#include <gradlaws/report.hpp>
#include <gradlaws/torch.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"

namespace gradlaws {
namespace {
namespace lt = gradlaws::libtorch;
namespace F = ::torch::nn::functional;
using testing_support::contains;
using ::torch::Tensor;

check_options quick(std::vector<std::string> laws = {}, int cases = 20) {
  run_options r;
  r.cases = cases;
  r.seed = 11;
  return {r, std::move(laws), {}};
}

std::string failures(const std::vector<run_result> &results, int cases = 20) {
  return testing_support::failures(results, cases);
}

bool any_failed(const std::vector<run_result> &results) {
  for (const run_result &r : results)
    if (!r.passed) return true;
  return false;
}

auto any_model = [](const model &m) { return lt::sequential(m); };

/// The step as the docs write it: zero the gradients, forward, the objective, backward.
auto correct_step = [](::torch::nn::Sequential &net, const lt::batch &b) {
  net->zero_grad();
  b.objective(net->forward(b.x)).backward();
};

TEST(TorchBridge, ParametersAreNamedAsTheModuleNamesThemAndRoundTrip) {
  ::torch::nn::Sequential net(::torch::nn::Linear(2, 3), ::torch::nn::Tanh(), ::torch::nn::Linear(3, 1));
  const auto names = lt::parameter_names(*net);
  ASSERT_EQ(names.size(), 13u);
  EXPECT_EQ(names[0], "0.weight[0,0]");
  EXPECT_EQ(names[5], "0.weight[2,1]");
  EXPECT_EQ(names[6], "0.bias[0]");
  EXPECT_EQ(names[12], "2.bias[0]");
  vec<double> theta(13);
  for (int k = 0; k < 13; ++k) theta[k] = 0.25 * k - 1;
  lt::set_parameters<double>(*net, theta);
  EXPECT_EQ(lt::parameters_of<double>(*net), theta);
  EXPECT_MESSAGE(testing_support::message_of<dimension_error>(
                     [&] { lt::set_parameters<double>(*net, vec<double>::Zero(4)); }),
                 "θ has 4 entries");
}

TEST(TorchBridge, ExamplesBecomeRowsAndClassLabelsInt64) {
  mat<double> x(2, 3);
  x << 1, 2, 3, 4, 5, 6; // examples are the columns (1, 4), (2, 5), (3, 6)
  const ::torch::Tensor t = lt::rows(x);
  EXPECT_EQ(t.sizes(), (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(t[1][0].item<double>(), 2);
  EXPECT_EQ(t[1][1].item<double>(), 5);
  EXPECT_EQ(lt::columns<double>(t), x);
  mat<double> y(1, 3);
  y << 2, -100, 0;
  const ::torch::Tensor labels = lt::targets(find_loss("cross_entropy"), y);
  EXPECT_EQ(labels.scalar_type(), ::torch::kInt64);
  EXPECT_EQ(labels[1].item<std::int64_t>(), -100);
  y(0, 2) = 0.5;
  EXPECT_MESSAGE(testing_support::message_of<dimension_error>(
                     [&] { lt::targets(find_loss("cross_entropy"), y); }),
                 "example 3's target is not one integer class label");
}

/// A batch of 5 examples for a model with 3 outputs under loss l: labels with one ignored, a
/// distribution, or dense targets.
mat<double> targets_for(const loss &l) {
  if (l.info().target == target_kind::class_index) {
    mat<double> y(1, 5);
    y << 2, 0, -100, 1, 2;
    return y;
  }
  mat<double> y(3, 5);
  y << 0.2, 0.5, 0.1, 1, 0, 0.3, 0.25, 0.6, 0, 1, 0.5, 0.25, 0.3, 0, 0;
  return y;
}

/// The adapter's gradient through libtorch against gradlaws's backprop, for every registered
/// loss under the mean, a weighted mean and the loss's own (framework) mean.
TEST(TorchBridge, EveryLossAndReductionGivesGradlawssGradient) {
  mat<double> x(2, 5);
  x << 0.5, -1, 2, 0.25, -0.75, 1.5, 0.3, -0.2, 1, 0.1;
  for (const loss *l : losses()) {
    const model m = make_normalised_mlp(2, {4}, {"gelu"}, 3, l->name(), normalisation::layer_norm);
    vec<double> theta(Eigen::Index(m.parameter_count()));
    for (Eigen::Index k = 0; k < theta.size(); ++k) theta[k] = std::sin(1.7 * double(k)) / 2;
    const mat<double> y = targets_for(*l);
    for (const reduction &r : {reduction::mean(), reduction::weighted({1, 2, 0, 3, 1}),
                               reduction::framework_mean()}) {
      const vec<double> want = gradient<double>(m, theta, x, y, r);
      const vec<double> got =
          lt::make_gradient_subject("bridge", any_model, correct_step).on<double>()(m, theta, x, y, r);
      EXPECT_LT((got - want).lpNorm<Eigen::Infinity>(), 1e-12 * (1 + want.lpNorm<Eigen::Infinity>()))
          << l->name() << " under " << r.describe() << "\n got " << got.transpose() << "\nwant "
          << want.transpose();
    }
  }
}

TEST(TorchBridge, EveryRegisteredActivationIsBuiltAsLibtorchComputesIt) {
  const capabilities c = lt::sequential_capabilities();
  for (const activation *a : activations()) {
    const model m = make_mlp(2, {3}, {a->name()}, 1, "mse");
    EXPECT_EQ(lt::unbuildable(m), "") << a->name();
    EXPECT_TRUE(c.activations.admits(*a)) << a->name();
  }
  EXPECT_TRUE(contains(lt::unbuildable(make_normalised_mlp(2, {3}, {"relu"}, 1, "mse",
                                                           normalisation::batch_centring)),
                       "libtorch has no module for the layer"));
}

TEST(TorchSubjects, ACorrectStepOnAnyModelPassesEveryLaw) {
  // batch::objective computes libtorch's own mean when a law asks for it: the step declares it.
  const auto s = lt::make_gradient_subject("torch step", any_model, correct_step,
                                           {.framework_mean = true});
  const auto results = check(s, quick());
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(failures(results), "");
  bool ran_element_mean = false;
  for (const run_result &r : results) ran_element_mean = ran_element_mean || r.entry == "element_mean";
  EXPECT_TRUE(ran_element_mean);
}

TEST(TorchSubjects, TwoWorkerProcessesCheckALibtorchStepAsOneDoes) {
  // The workers are forked after libtorch has run in this process.
  const auto s = lt::make_gradient_subject("torch step", any_model, correct_step);
  check_options o = quick({"linearity", "reduction_scale"}, 10);
  o.variants = {"tanh_double", "gelu_float", "softplus_double"};
  o.jobs = 1;
  const auto one = check(s, o);
  o.jobs = 2;
  const auto two = check(s, o);
  ASSERT_EQ(one.size(), 6u);
  EXPECT_EQ(testing_support::without_times(one), testing_support::without_times(two));
}

TEST(TorchSubjects, MseLossMeanWhereAPerExampleMeanWasMeantIsCaught) {
  // F::mse_loss divides by N·d: 1/d of gradlaws's mean, whose L sums over the outputs.
  auto bug = [](::torch::nn::Sequential &net, const lt::batch &b) {
    net->zero_grad();
    F::mse_loss(net->forward(b.x), b.y).backward();
  };
  const auto results = check(lt::make_gradient_subject("mse_loss mean", any_model, bug),
                             quick({"reduction_scale", "linearity"}));
  EXPECT_TRUE(any_failed(results));
}

TEST(TorchSubjects, AStepThatNeverZeroesTheGradientsIsCaught) {
  auto bug = [](::torch::nn::Sequential &net, const lt::batch &b) {
    b.objective(net->forward(b.x)).backward();
  };
  const auto results = check(lt::make_gradient_subject("no zero_grad", any_model, bug), quick({"linearity"}));
  EXPECT_TRUE(any_failed(results));
}

/// A module of one architecture with BatchNorm1d in training mode.
struct NormNetImpl : ::torch::nn::Module {
  NormNetImpl()
      : fc1(register_module("fc1", ::torch::nn::Linear(3, 4))),
        bn(register_module("bn", ::torch::nn::BatchNorm1d(4))),
        fc2(register_module("fc2", ::torch::nn::Linear(4, 2))) {}
  ::torch::Tensor forward(const ::torch::Tensor &x) { return fc2(::torch::tanh(bn(fc1(x)))); }
  ::torch::nn::Linear fc1;
  ::torch::nn::BatchNorm1d bn;
  ::torch::nn::Linear fc2;
};
TORCH_MODULE(NormNet);

TEST(TorchSubjects, ABatchNormModuleDeclaringTwoExamplesPassesAndNamesItsParameters) {
  auto make = [] { return NormNet(); };
  auto step = [](NormNet &net, const lt::batch &b) {
    net->zero_grad();
    b.objective(net->forward(b.x)).backward();
  };
  capabilities c{.fixed_model = std::make_shared<const model>(
                     lt::model_of(*NormNet(), "NormNet", 3, 2, "mse")),
                 .batch = {.min = 2},
                 .batch_coupled = true};
  EXPECT_EQ(c.fixed_model->parameter_names()[16], "bn.weight[0]");
  const auto results = check(lt::make_gradient_subject("NormNet step", make, step, c), quick());
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(failures(results), "");
}

TEST(TorchSubjects, LibtorchsErrorInAStepIsNamedWithoutItsBacktrace) {
  auto wrong_shape = [](::torch::nn::Sequential &net, const lt::batch &b) {
    net->forward(b.x.t()); // examples as columns: libtorch refuses the shapes
  };
  const model m = make_mlp(2, {3}, {"tanh"}, 1, "mse");
  const auto s = lt::make_gradient_subject("transposed", any_model, wrong_shape);
  const std::string message = testing_support::message_of<error>([&] {
    s.on<double>()(m, vec<double>::Zero(Eigen::Index(m.parameter_count())),
                   mat<double>::Zero(2, 4), mat<double>::Zero(1, 4), reduction::mean());
  });
  EXPECT_MESSAGE(message, "the step raised libtorch's error: ");
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(TorchSubjects, AFactoryWithoutAModelNeedsTheModelItIsCheckedAs) {
  auto make = [] { return NormNet(); };
  auto step = [](NormNet &net, const lt::batch &b) { b.objective(net->forward(b.x)).backward(); };
  EXPECT_MESSAGE(testing_support::message_of<error>([&] {
                   lt::make_gradient_subject("NormNet", make, step);
                 }),
                 "give capabilities::fixed_model");
}

/// Gradient accumulation as written: one backward per micro-batch, each scaled.
template <bool Bug> void accumulate(::torch::nn::Sequential &net, const lt::batch &b) {
  net->zero_grad();
  const double steps = double(b.groups.size());
  for (std::size_t k = 0; k < b.groups.size(); ++k) {
    const lt::batch mb = b.group(k);
    if (mb.size() == 0) continue;
    const ::torch::Tensor l = mb.losses(net->forward(mb.x)) * mb.mask;
    // The bug: each micro-batch's mean divided by the number of steps (right only when every
    // micro-batch has as many items that count).
    const ::torch::Tensor j = Bug ? l.sum() / mb.mask.sum() / steps : (l * mb.coefficients).sum();
    j.backward();
  }
}

TEST(TorchSubjects, AccumulationPassesAndLossOverStepsOnUnequalMicroBatchesIsCaught) {
  check_options o = quick({}, 20);
  o.pipeline = strategy_family::accumulation;
  const auto good = check(lt::make_pipeline_subject("accumulation", any_model, accumulate<false>), o);
  ASSERT_FALSE(good.empty());
  EXPECT_EQ(failures(good), "");
  const auto bad = check(lt::make_pipeline_subject("loss / steps", any_model, accumulate<true>), o);
  EXPECT_TRUE(any_failed(bad));
}

} // namespace
} // namespace gradlaws
