// gradlaws's optimizer steps against libtorch's own torch::optim (an oracle written outside this
// project): SGD with momentum, Nesterov and weight decay, Adam and AdamW, three steps each, in
// double.

#include <gradlaws/optimizer.hpp>
#include <gradlaws/torch.hpp>

#include <gtest/gtest.h>

namespace gradlaws {
namespace {

/// Three steps of `optimizer` on one parameter tensor θ with the given gradients, and the same
/// steps of gradlaws's rule, as (libtorch's θ, gradlaws's θ).
template <class Optimizer, class Options>
std::pair<vec<double>, vec<double>> three_steps(const update_rule &r, Options options) {
  const std::vector<std::vector<double>> gradients{{0.5, -1.25, 2}, {1, 0.25, -0.75}, {-0.5, 3, 0.125}};
  const std::vector<double> start{1, -2, 0.5};
  ::torch::Tensor theta = ::torch::tensor(start, ::torch::kDouble).requires_grad_(true);
  Optimizer opt({theta}, options);
  auto s = initial_state<double>(r, Eigen::Map<const vec<double>>(start.data(), 3));
  for (const auto &g : gradients) {
    theta.mutable_grad() = ::torch::tensor(g, ::torch::kDouble);
    opt.step();
    s = step(r, vec<double>(Eigen::Map<const vec<double>>(g.data(), 3)), s);
  }
  const ::torch::Tensor t = theta.detach().contiguous();
  return {Eigen::Map<const vec<double>>(t.data_ptr<double>(), 3), s.theta};
}

void expect_close(const std::pair<vec<double>, vec<double>> &p, const update_rule &r) {
  EXPECT_LT((p.first - p.second).lpNorm<Eigen::Infinity>(), 1e-14)
      << r.describe() << "\nlibtorch " << p.first.transpose() << "\ngradlaws " << p.second.transpose();
}

TEST(TorchOptimizers, SgdStepsAsTorchOptimDoes) {
  namespace optim = ::torch::optim;
  update_rule r = update_rule::sgd(exact(1, 10), exact(9, 10), exact(1, 100));
  expect_close(three_steps<optim::SGD>(r, optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.01)), r);
  r.dampening = exact(1, 4);
  expect_close(three_steps<optim::SGD>(r, optim::SGDOptions(0.1).momentum(0.9).dampening(0.25).weight_decay(0.01)), r);
  r.dampening = 0;
  r.nesterov = true;
  expect_close(three_steps<optim::SGD>(r, optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(0.01)), r);
}

TEST(TorchOptimizers, AdamAndAdamWStepAsTorchOptimDoes) {
  namespace optim = ::torch::optim;
  const update_rule adam = update_rule::adam(exact(1, 10), exact(9, 10), exact(999, 1000), exact(1, 1024),
                                             exact(1, 100));
  expect_close(three_steps<optim::Adam>(
                   adam, optim::AdamOptions(0.1).betas({0.9, 0.999}).eps(1.0 / 1024).weight_decay(0.01)),
               adam);
  const update_rule adamw = update_rule::adam(exact(1, 10), exact(9, 10), exact(999, 1000),
                                              exact(1, 1024), exact(1, 100), true);
  expect_close(three_steps<optim::AdamW>(
                   adamw, optim::AdamWOptions(0.1).betas({0.9, 0.999}).eps(1.0 / 1024).weight_decay(0.01)),
               adamw);
}

} // namespace
} // namespace gradlaws
