// Bugs of the training step after the backward passes, written as a training loop writes them
// (accumulate the micro-batch gradients of a scaled loss, unscale, skip on overflow, clip, step),
// each with its correct twin. The steps are SGD as torch.optim.SGD takes it, by hand, in double
// and float; the bfloat16 accumulation is written for the 16-bit formats.

#include "common.hpp"

#include <cmath>

namespace gallery {
namespace {

template <class F> F value(const exact &q) { return from_exact<F>(q); }

/// torch.optim.SGD's step by hand: coupled or decoupled weight decay, momentum with dampening,
/// Nesterov; `decay` off for code that adds the decay itself.
template <class F>
optimizer_state<F> sgd_update(const update_rule &r, optimizer_state<F> s, vec<F> d, bool decay = true) {
  const F lr = value<F>(r.lr), wd = value<F>(r.weight_decay);
  if (decay && r.weight_decay != 0 && !r.decoupled) d += wd * s.theta;
  if (decay && r.weight_decay != 0 && r.decoupled) s.theta *= F(1) - lr * wd;
  if (r.momentum != 0) {
    const F mu = value<F>(r.momentum), kept = value<F>(exact(1) - r.dampening);
    vec<F> &buffer = s.slots[0];
    buffer = s.steps == 0 ? d : vec<F>(mu * buffer + kept * d);
    d = r.nesterov ? vec<F>(d + mu * buffer) : buffer;
  }
  s.theta -= lr * d;
  s.steps += 1;
  return s;
}

/// clip_grad_norm_ by hand: g · C/‖g‖ when ‖g‖ > C.
template <class F> void clip_norm(vec<F> &g, const std::optional<exact> &c) {
  if (!c) return;
  const F threshold = value<F>(*c), norm = std::sqrt(g.squaredNorm());
  if (norm > threshold) g *= threshold / norm;
}

/// Σ_k share_k g_k, the micro-batch gradients as the loop accumulates them.
template <class F> vec<F> accumulated(const step_config &c, const std::vector<vec<F>> &pieces) {
  vec<F> g = vec<F>::Zero(pieces.front().size());
  for (std::size_t k = 0; k < pieces.size(); ++k) g += value<F>(c.shares[k]) * pieces[k];
  return g;
}

/// The step as it should be: accumulate, unscale, skip if that overflowed, clip, step.
template <class F>
optimizer_state<F> correct_step(const step_config &c, const optimizer_state<F> &s,
                                const std::vector<vec<F>> &pieces) {
  vec<F> g = accumulated(c, pieces) / value<F>(c.loss_scale);
  if (!g.allFinite()) return s;
  clip_norm(g, c.clip);
  return sgd_update(c.rule, s, g);
}

/// A training-step subject in double and float from one template `step<F>`.
template <class Step> training_step_subject in_double_and_float(std::string name, Step step) {
  training_step_subject s(std::move(name));
  s.set<double>([step](const step_config &c, const optimizer_state<double> &st,
                       const std::vector<vec<double>> &p) { return step.template operator()<double>(c, st, p); });
  s.set<float>([step](const step_config &c, const optimizer_state<float> &st,
                      const std::vector<vec<float>> &p) { return step.template operator()<float>(c, st, p); });
  return s.supports({.optimizer = update_rule::family::sgd});
}

training_step_subject twin(const std::string &name) {
  return in_double_and_float(name, []<class F>(const step_config &c, const optimizer_state<F> &s,
                                               const std::vector<vec<F>> &p) { return correct_step(c, s, p); });
}

const bool clip_in_loop = register_gallery_case({
    .info = {.name = "clip_inside_accumulation_loop",
             .title = "clip_grad_norm_ on every micro-batch, inside the accumulation loop",
             .story = "A loop that clips after each micro-batch's backward clips each micro-batch's "
                      "gradient, not the accumulated one: clipping is not linear, so the sum of "
                      "clipped pieces depends on how the batch was split. Accelerate's examples "
                      "clip only when accelerator.sync_gradients is true, after the last "
                      "micro-batch. Fix: clip once, after accumulating."},
    .bug = in_double_and_float(
        "clip every micro-batch",
        []<class F>(const step_config &c, const optimizer_state<F> &s, const std::vector<vec<F>> &p) {
          vec<F> g = vec<F>::Zero(s.theta.size());
          for (std::size_t k = 0; k < p.size(); ++k) {
            vec<F> piece = p[k] / value<F>(c.loss_scale);
            clip_norm(piece, c.clip);
            g += value<F>(c.shares[k]) * piece;
          }
          if (!g.allFinite()) return s;
          return sgd_update(c.rule, s, g);
        }),
    .twin = twin("clip once, after accumulating")});

const bool clip_scaled = register_gallery_case({
    .info = {.name = "clip_before_unscale",
             .title = "clip_grad_norm_ on the scaled gradients, before scaler.unscale_",
             .story = "With loss scaling, the gradients are S times the true ones until unscaled: "
                      "clipping them at C clips the true gradient at C/S. PyTorch's AMP recipe calls "
                      "scaler.unscale_(optimizer) before clip_grad_norm_. Fix: unscale, then clip."},
    .bug = in_double_and_float(
        "clip, then unscale",
        []<class F>(const step_config &c, const optimizer_state<F> &s, const std::vector<vec<F>> &p) {
          vec<F> g = accumulated(c, p);
          clip_norm(g, c.clip);
          g /= value<F>(c.loss_scale);
          if (!g.allFinite()) return s;
          return sgd_update(c.rule, s, g);
        }),
    .twin = twin("unscale, then clip")});

const bool step_in_loop = register_gallery_case({
    .info = {.name = "optimizer_step_per_micro_batch",
             .title = "optimizer.step() inside the accumulation loop",
             .story = "An accumulation loop that steps (and zeroes the gradients) after every "
                      "micro-batch takes K small steps instead of one: the momentum buffer, the "
                      "weight decay and the clipping each see K gradients. Fix: step once, after "
                      "the last micro-batch."},
    .bug = in_double_and_float(
        "step every micro-batch",
        []<class F>(const step_config &c, const optimizer_state<F> &s, const std::vector<vec<F>> &p) {
          optimizer_state<F> out = s;
          for (std::size_t k = 0; k < p.size(); ++k) {
            vec<F> g = value<F>(c.shares[k]) * p[k] / value<F>(c.loss_scale);
            if (!g.allFinite()) continue;
            clip_norm(g, c.clip);
            out = sgd_update(c.rule, out, g);
          }
          return out;
        }),
    .twin = twin("step once per batch")});

const bool decay_on_sum = register_gallery_case({
    .info = {.name = "weight_decay_on_accumulated_sum",
             .title = "weight decay added to the sum of K micro-batch gradients, then divided by K",
             .story = "Code that sums the micro-batch gradients and divides by K at the end (or "
                      "divides the learning rate by K) divides the weight decay it added in between "
                      "as well: λθ/K instead of λθ, and with unequal micro-batches the sum's 1/K is "
                      "not their shares either. Fix: the mean gradient by share first, then the "
                      "decay."},
    .bug = in_double_and_float(
        "decay on the sum",
        []<class F>(const step_config &c, const optimizer_state<F> &s, const std::vector<vec<F>> &p) {
          vec<F> g = vec<F>::Zero(s.theta.size());
          for (const vec<F> &piece : p) g += piece;
          g /= value<F>(c.loss_scale);
          if (!g.allFinite()) return s;
          if (c.rule.weight_decay != 0 && !c.rule.decoupled) g += value<F>(c.rule.weight_decay) * s.theta;
          g /= F(float(p.size()));
          clip_norm(g, c.clip);
          update_rule without_coupled = c.rule;
          if (!c.rule.decoupled) without_coupled.weight_decay = 0;
          return sgd_update(without_coupled, s, g);
        }),
    .twin = twin("decay on the mean")});

// Accumulation in the pieces' own format: a `.grad` buffer in bfloat16 (or float16).
template <class F> vec<F> in_own_format(const std::vector<vec<F>> &pieces) {
  vec<F> sum = vec<F>::Zero(pieces.front().size());
  for (const vec<F> &p : pieces) sum += p;
  return sum / F(float(pieces.size()));
}
template <class F> vec<F> in_float_buffer(const std::vector<vec<F>> &pieces) {
  Eigen::VectorXf sum = Eigen::VectorXf::Zero(pieces.front().size());
  for (const vec<F> &p : pieces) sum += p.template cast<float>();
  return (sum / float(pieces.size())).template cast<F>();
}

accumulation_subject half_precision_bug() {
  accumulation_subject s("accumulate in the gradients' format");
  s.set<Eigen::bfloat16>([](const std::vector<vec<Eigen::bfloat16>> &p) { return in_own_format(p); });
  s.set<Eigen::half>([](const std::vector<vec<Eigen::half>> &p) { return in_own_format(p); });
  return s;
}
accumulation_subject half_precision_twin() {
  accumulation_subject s("accumulate in a float buffer");
  s.set<double>([](const std::vector<vec<double>> &p) { return in_own_format(p); });
  s.set<float>([](const std::vector<vec<float>> &p) { return in_own_format(p); });
  s.set<Eigen::bfloat16>([](const std::vector<vec<Eigen::bfloat16>> &p) { return in_float_buffer(p); });
  s.set<Eigen::half>([](const std::vector<vec<Eigen::half>> &p) { return in_float_buffer(p); });
  return s;
}

const bool bf16_accumulation = register_gallery_case({
    .info = {.name = "bfloat16_gradient_accumulation",
             .title = "micro-batch gradients accumulated in a bfloat16 buffer",
             .story = "A bfloat16 model's .grad is bfloat16, and backward() adds each micro-batch's "
                      "gradient into it: every partial sum is rounded to 8 significant bits, and "
                      "from a few micro-batches on the sum leaves the pieces' own rounding behind. "
                      "Mixed-precision frameworks keep a float gradient buffer for this (Megatron's "
                      "main_grad, DeepSpeed's fp32 gradient accumulation). Fix: accumulate in float, "
                      "round once."},
    .bug = half_precision_bug(),
    .twin = half_precision_twin()});

} // namespace
} // namespace gallery
