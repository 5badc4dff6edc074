// libtorch training steps that compute one batch gradient: the loss function, the per-example
// loop, the module's dtype, BatchNorm's mode.

#include "common.hpp"

#include <gradlaws/norm_layers.hpp>

namespace torch_gallery {
namespace {

/// The step as it should be: zero the gradients, forward, the objective asked for, backward.
void objective_step(net &m, const lt::batch &b) {
  m->zero_grad();
  b.objective(m->forward(b.x)).backward();
}

const bool mse_mean = register_gallery_case(step_case(
    {.name = "torch_mse_loss_mean",
     .title = "torch::mse_loss's mean (÷ N·d) where the mean over examples was meant",
     .story = "A step that calls torch::nn::functional::mse_loss(output, target) with its default "
              "reduction='mean' divides the squared errors by every element, N·d, while the "
              "objective it stands for averages each example's summed error over the N "
              "examples: its gradient is 1/d of the right one, and it ignores the reduction it is "
              "asked for (a sum, a weighted mean). Fix: sum over the outputs, then reduce over "
              "the examples (or say which mean you mean).",
     .expected_match = ""},
    "F::mse_loss(output, y)",
    [](net &m, const lt::batch &b) {
      m->zero_grad();
      F::mse_loss(m->forward(b.x), b.y).backward();
    },
    "the objective asked for", objective_step,
    {.losses = selection<loss>::named({"mse"})}));

/// Σ c_i ∇L_i from one backward per example, reading .grad after each; `zero_each_time`: the
/// gradients are zeroed before every example (the bug zeroes them once, before the loop).
template <bool ZeroEachTime> void per_example_loop(net &m, const lt::batch &b) {
  m->zero_grad();
  std::vector<Tensor> total;
  for (const Tensor &p : m->parameters()) total.push_back(::torch::zeros_like(p));
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (ZeroEachTime) m->zero_grad();
    lt::batch one = b;
    one.x = b.x.narrow(0, i, 1);
    one.y = b.y.narrow(0, i, 1);
    one.losses(m->forward(one.x)).sum().backward();
    std::size_t k = 0;
    for (const Tensor &p : m->parameters()) total[k++] += b.coefficients[i] * p.grad();
  }
  std::size_t k = 0;
  for (Tensor &p : m->parameters()) p.mutable_grad() = total[k++];
}

const bool zero_grad = register_gallery_case(step_case(
    {.name = "torch_per_example_loop_without_zero_grad",
     .title = "per-example gradients read in a loop whose zero_grad() was forgotten",
     .story = "Per-example gradients (for clipping, for a weighted mean) collected by one backward "
              "per example, reading each parameter's .grad after it: without zero_grad() inside "
              "the loop, .grad accumulates, so example i's 'gradient' is the sum of the first i. "
              "The result depends on the order of the batch. Fix: zero the gradients before "
              "every example's backward.",
     .expected_match = ""},
    "per-example loop, zero_grad() once", per_example_loop<false>,
    "per-example loop, zero_grad() each time", per_example_loop<true>));

const bool float_module = register_gallery_case(step_case(
    {.name = "torch_float_module_behind_double_api",
     .title = "a float32 module behind an API that promises double",
     .story = "A step whose interface takes and returns double, but whose module was created (or "
              "moved) in float32 'for speed', with the inputs cast on the way in: every gradient "
              "it returns carries float's rounding, about 1e-7 relative, far beyond double's "
              "bound. Caught on the double rung only; on float the two are the same code. Fix: "
              "one dtype end to end, or declare the float subject only.",
     .expected_match = ""},
    "module in float32, inputs cast",
    [](net &m, const lt::batch &b) {
      m->to(::torch::kFloat32);
      m->zero_grad();
      b.objective(m->forward(b.x.to(::torch::kFloat32)).to(b.x.scalar_type())).backward();
    },
    "module in the API's dtype", objective_step));

/// The model of the BatchNorm case: Dense(2→3) → BatchNorm → tanh → Dense(3→1) under MSE.
model batchnorm_model() {
  return make_normalised_mlp(2, {3}, {"tanh"}, 1, "mse", normalisation::batch_norm);
}

const bool batchnorm = register_gallery_case(step_case(
    {.name = "torch_batchnorm_eval_per_example",
     .title = "per-example gradients through BatchNorm1d switched to eval() to run one example",
     .story = "BatchNorm1d refuses a batch of one in training mode, so a loop of per-example "
              "gradients switches the module to eval(): each example is then normalised by the "
              "running statistics, not by its batch's, and the mean of those gradients is not the "
              "batch gradient of the model in training mode. Fix: per-example gradients do not "
              "exist for a batch-coupled model; use the batch gradient (or GroupNorm/LayerNorm).",
     .expected_match = ""},
    "eval() and one example at a time",
    [](net &m, const lt::batch &b) {
      m->eval();
      m->zero_grad();
      for (std::int64_t i = 0; i < b.size(); ++i) {
        const Tensor out = m->forward(b.x.narrow(0, i, 1));
        (b.coefficients[i] * lt::example_losses(b.loss(), out, b.y.narrow(0, i, 1)).sum()).backward();
      }
    },
    "train() and the whole batch",
    [](net &m, const lt::batch &b) {
      m->train();
      objective_step(m, b);
    },
    {.batch = {.min = 2}, .batch_coupled = true}, {.fixed_model = batchnorm_model()}));

} // namespace
} // namespace torch_gallery
