// The whole training step as a subject: micro-batch gradients of a scaled loss in, the optimizer
// state out. Three laws pin the order a correct step takes (accumulate, unscale, skip on
// overflow, clip, step): the micro-batches are only a split of the one batch, the loss scale
// only a change of units, and an overflowed scaled gradient leaves the state alone. Together
// they catch the step-level bugs of real training loops: clipping or stepping inside the
// accumulation loop, clipping before unscaling, weight decay on the accumulated sum, a scaler
// that steps on an overflow.

#include "cases.hpp"
#include "optimizer_cases.hpp"

#include <gradlaws/training_step.hpp>

#include <limits>

namespace gradlaws::props {
namespace {

const std::string step_laws_family = "the training step";

/// An optimizer case (an SGD rule, a state, micro-batch gradients and their sizes) with what the
/// step is asked to do besides: clip at C or not, the loss scale S.
struct step_case {
  optimizer_case o;
  std::optional<exact> clip;
  exact scale{1};
  std::size_t overflowed = 0; ///< the component of the first gradient that overflows (that law)
  rung on = rung::high;

  std::string describe() const {
    std::string s = o.describe();
    s += "\nC      " + (clip ? to_string(*clip) + " (the global-norm threshold)" : std::string("none (no clipping)"));
    s += "\nS      " + to_string(scale) + " (the loss scale: the step is handed S·g_k)";
    return s;
  }
  double operations() const { return o.operations() + 20.0 * double(o.g.size() + 2); }
  /// The step's configuration at loss scale S with the micro-batches' shares.
  step_config config(const exact &s, std::vector<exact> shares) const {
    return {.rule = o.rule, .clip = clip, .loss_scale = s, .shares = std::move(shares)};
  }
};

/// Each micro-batch gradient times S, on rung T.
template <class T> std::vector<vec<T>> scaled_pieces(const step_case &c, const exact &s) {
  std::vector<vec<T>> out;
  for (const vec<exact> &g : c.o.g) out.push_back(lift<T>(vec<exact>(g * s)));
  return out;
}

/// The state after the subject's step, flattened (θ, then the slots).
template <class T>
vec<T> stepped(const training_step_subject &s, const step_config &config,
               const optimizer_state<T> &state, const std::vector<vec<T>> &pieces) {
  return flattened(s.template on<T>()(config, state, pieces));
}

/// An SGD case, C unset or from 1/2 to 4 (shrinking to unset), S from 2 to 1024 (powers of two,
/// shrinking to 2; within float16's range for gradients up to 8). A step that declares it does
/// not clip gets no C, one that takes no loss scale S = 1.
rc::Gen<step_case> step_cases(const variant &v) {
  const rung on = v.rung_or(rung::high); // a clipped norm is a square root: not exact
  const auto base = optimizer_micro_batches(v, update_rule::family::sgd, {});
  const bool clips = !v.within || v.within->step_clips;
  const bool scales = !v.within || v.within->step_scales_loss;
  return rc::gen::exec([on, base, clips, scales] {
    step_case c;
    c.o = *base;
    c.o.on = on;
    c.on = on;
    const auto clip = *simplest_first(std::vector<int>{0, 1, 2, 3, 4});
    if (clip > 0 && clips) c.clip = exact(1 << (clip - 1), 2);
    c.scale = *simplest_first(std::vector<exact>{exact(2), exact(4), exact(8), exact(1024)});
    if (!scales) c.scale = 1;
    c.overflowed = std::size_t(*gen::count(0, std::size_t(c.o.state.theta.size()) - 1));
    return c;
  });
}

law_domain step_domain(std::vector<rung> rungs, bool hands_loss_scale) {
  return {.axis = variant_axis::rung, .rungs = std::move(rungs), .formats = step_formats,
          .optimizer = update_rule::family::sgd, .hands_loss_scale = hands_loss_scale};
}

training_step_subject builtin_step(const variant &) { return training_step_reference(); }

const bool split_registered = register_law(
    make_law<training_step_subject, step_case>(
        {.name = "training_step_split_invariance",
         .family = step_laws_family,
         .claim = "a training step on K micro-batch gradients (weighted by their shares) is the "
                  "step on the one gradient of their union",
         .formula = "step(s; S·g_1, …, S·g_K; n_k/N) = step(s; S·Σ_k (n_k/N) g_k; 1)",
         .lhs = "step on the micro-batches",
         .rhs = "step on their union",
         .explanation = "micro-batches only split one batch: the step accumulates their gradients "
                        "by share first, and clips and steps once; clipping or stepping inside the "
                        "accumulation loop, or weight decay added to the sum of K gradients, "
                        "depends on the split",
         .domain = step_domain({rung::high, rung::machine}, false)},
        step_cases,
        []<class T>(const training_step_subject &s, const step_case &c) -> sides<T> {
          const auto state = state_on<T>(c.o.state);
          const std::vector<exact> shares = shares_of(c.o.sizes);
          vec<exact> whole = vec<exact>::Zero(c.o.g.front().size());
          for (std::size_t k = 0; k < shares.size(); ++k) whole += c.o.g[k] * shares[k];
          return {stepped(s, c.config(c.scale, shares), state, scaled_pieces<T>(c, c.scale)),
                  stepped(s, c.config(c.scale, {exact(1)}), state,
                          std::vector<vec<T>>{lift<T>(vec<exact>(whole * c.scale))})};
        }),
    builtin_step);

const bool scale_registered = register_law(
    make_law<training_step_subject, step_case>(
        {.name = "training_step_loss_scale_invariance",
         .family = step_laws_family,
         .claim = "a training step on the gradients of a loss scaled by S is the step on the "
                  "unscaled gradients",
         .formula = "step(s; S·g_1, …, S·g_K; S) = step(s; g_1, …, g_K; 1)",
         .lhs = "step at loss scale S",
         .rhs = "step unscaled",
         .explanation = "the loss scale only keeps small gradients representable in half "
                        "precision: the step divides it out before anything nonlinear; clipping "
                        "the scaled gradient clips the true one at C/S",
         .domain = step_domain({rung::high, rung::machine}, true)},
        step_cases,
        []<class T>(const training_step_subject &s, const step_case &c) -> sides<T> {
          const auto state = state_on<T>(c.o.state);
          const std::vector<exact> shares = shares_of(c.o.sizes);
          return {stepped(s, c.config(c.scale, shares), state, scaled_pieces<T>(c, c.scale)),
                  stepped(s, c.config(exact(1), shares), state, scaled_pieces<T>(c, exact(1)))};
        }),
    builtin_step);

/// +∞ on rung T: what a scaled gradient that overflowed holds. MPFR has one too (the machine
/// rung's exact sides are computed there); the exact rung has none, and the law does not run
/// on it.
template <class T> T overflow_value() {
  if constexpr (is_rounded_v<T>) {
    using F = typename T::value_type;
    return T(F(std::numeric_limits<float>::infinity()), std::numeric_limits<double>::infinity());
  } else if constexpr (is_exact_v<T>) {
    throw unsupported_rung_error("the exact rung has no overflow: training_step_skips_overflow "
                                 "runs on the machine rung");
  } else {
    return T(std::numeric_limits<double>::infinity());
  }
}

const bool overflow_registered = register_law(
    make_law<training_step_subject, step_case>(
        {.name = "training_step_skips_overflow",
         .family = step_laws_family,
         .claim = "a training step whose scaled gradient overflowed leaves θ and the optimizer "
                  "state as they were (a dynamic loss scaler skips the step)",
         .formula = "S·g_1 has a component ±∞ ⇒ step(s; S·g_1, …, S·g_K) = s",
         .lhs = "state after the step",
         .rhs = "state before it",
         .explanation = "an overflowed gradient carries no direction: a dynamic loss scaler "
                        "(PyTorch's GradScaler) checks the unscaled gradient for infinities and "
                        "skips the optimizer's step, then lowers S; stepping on it writes ∞ or NaN "
                        "into θ and the momentum",
         .domain = step_domain({rung::machine}, true)},
        step_cases,
        []<class T>(const training_step_subject &s, const step_case &c) -> sides<T> {
          const auto state = state_on<T>(c.o.state);
          std::vector<vec<T>> pieces = scaled_pieces<T>(c, c.scale);
          pieces.front()[Eigen::Index(c.overflowed)] = overflow_value<T>();
          return {stepped(s, c.config(c.scale, shares_of(c.o.sizes)), state, pieces), flattened(state)};
        }),
    builtin_step);

} // namespace
} // namespace gradlaws::props
