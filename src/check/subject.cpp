#include "gradlaws/subject.hpp"

namespace gradlaws {

namespace detail {
void refuse_result_size(const std::string &subject, long got, long want, result_kind what) {
  const std::string head = "the subject '" + subject + "' returned " + std::to_string(got) + " entries for ";
  switch (what) {
  case result_kind::clipped:
    throw dimension_error(head + "a gradient of " + std::to_string(want) +
                          " to clip: a clipped gradient has the gradient's entries");
  case result_kind::state:
    throw dimension_error(head + "an optimizer state of " + std::to_string(want) +
                          ": a step keeps θ's size and the rule's slots");
  case result_kind::accumulated:
    throw dimension_error(head + "micro-batch gradients of " + std::to_string(want) +
                          " entries: their mean has the gradients' entries");
  case result_kind::gradient: break;
  }
  throw dimension_error(head + "a θ of " + std::to_string(want) +
                        ": a gradient has one entry per parameter, in θ's order");
}
} // namespace detail

const gradient_subject &backprop_subject() {
  static const gradient_subject s = [] {
    gradient_subject g = make_gradient_subject(
        "gradlaws backprop", []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                         const mat<T> &y, const reduction &r) {
          return gradient<T>(m, theta, x, y, r);
        });
    g.supports({.framework_mean = true}); // the engine computes every reduction
    return g;
  }();
  return s;
}

const backward_subject &backward_pass_subject() {
  static const backward_subject s = [] {
    backward_subject b("gradlaws backward pass");
    b.set_generic([]<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                              const mat<T> &upstream) {
      tape<T> t;
      forward<T>(m, theta, x, &t);
      return backward<T>(m, theta, t, upstream);
    });
    return b;
  }();
  return s;
}

pipeline_subject strategy_subject(const strategy &s) {
  return make_pipeline_subject(s.name(), [&s]<class T>(const model &m, const vec<T> &theta,
                                                       const mat<T> &x, const mat<T> &y,
                                                       const layout &l) {
    return s.gradient<T>(m, theta, x, y, l);
  });
}

const clipping_subject &norm_clipping_subject() {
  static const clipping_subject s = make_clipping_subject(
      "gradlaws clip_by_norm",
      []<class T>(const T &threshold, const vec<T> &g) { return clip_by_norm(threshold, g); });
  return s;
}

const optimizer_subject &optimizer_step_subject() {
  static const optimizer_subject s = make_optimizer_subject(
      "gradlaws optimizer step", []<class T>(const update_rule &r, const optimizer_state<T> &state,
                                             const vec<T> &g) { return step(r, g, state); });
  return s;
}

const accumulation_subject &mean_accumulation_subject() {
  static const accumulation_subject s = make_accumulation_subject(
      "gradlaws accumulate_mean",
      []<class T>(const std::vector<vec<T>> &pieces) { return accumulate_mean(pieces); });
  return s;
}

const training_step_subject &training_step_reference() {
  static const training_step_subject s = make_training_step_subject(
      "gradlaws training step",
      []<class T>(const step_config &c, const optimizer_state<T> &state,
                  const std::vector<vec<T>> &pieces) { return training_step(c, state, pieces); });
  return s;
}

const pipeline_subject &full_batch_subject() {
  static const pipeline_subject s = strategy_subject(find_strategy("batched_mean"));
  return s;
}

} // namespace gradlaws
