#pragma once
// Subjects: the code under test, as a value. A law or fallacy is written once over a subject
// (see gradlaws/property.hpp); the built-in catalogue applies the laws to gradlaws's own
// engine, and a user's code is a subject like any other.
//
//   kind                   what it computes                                 built-in subject
//   gradient_subject       ∇_θ J for J = Σ c_i L_i of a model (reduction r) backprop_subject()
//   backward_subject       ∂/∂θ Σ U ⊙ ŷ at the forward pass of X            backward_pass_subject()
//   pipeline_subject       a training pipeline's gradient over a layout     strategy_subject(s)
//   activation             σ and σ′ (the registry's interface)              find_activation(name)
//   clipping_subject       a clipping rule g ↦ clip(g) at threshold C       norm_clipping_subject()
//   optimizer_subject      one step of an update rule: state, g ↦ state′    optimizer_step_subject()
//   accumulation_subject   the mean of K micro-batch gradients              mean_accumulation_subject()
//   training_step_subject  a step on scaled micro-batch gradients           training_step_reference()
//
// The training step's subjects (clipping, optimizer, accumulation, training step) run in
// bfloat16 and float16 too (step_scalars): a generic callable is instantiated on
// Eigen::bfloat16 and Eigen::half.
//
// A subject holds one callable per rung it runs on. Written generically over the scalar, it
// runs on every rung; written for double only, it runs on the machine rung only, and asking
// for another rung throws unsupported_rung_error naming the subject.
//
//   auto mine = gradlaws::make_gradient_subject("my backprop",
//       []<class T>(const gradlaws::model &m, const gradlaws::vec<T> &theta,
//                   const gradlaws::mat<T> &x, const gradlaws::mat<T> &y,
//                   const gradlaws::reduction &r) { return my_gradient(m, theta, x, y, r); });
//
// A subject declares what it supports (gradlaws/domain.hpp): laws draw only within it.
//
//   mine.supports({.activations = gradlaws::selection<gradlaws::activation>::named({"relu"}),
//                  .batch = {.min = 2}});

#include "gradlaws/accumulation.hpp"
#include "gradlaws/backprop.hpp"
#include "gradlaws/clipping.hpp"
#include "gradlaws/domain.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/optimizer.hpp"
#include "gradlaws/own_functions.hpp"
#include "gradlaws/strategy.hpp"
#include "gradlaws/training_step.hpp"

#include <functional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace gradlaws {

namespace detail {
/// The parameter types of a callable with one, non-template call operator (or of a function
/// pointer); `known` is false for generic callables.
template <class F, class = void> struct parameters_of {
  static constexpr bool known = false;
};
template <class R, class... A> struct parameters_of<R (*)(A...)> {
  static constexpr bool known = true;
  using types = std::tuple<std::remove_cvref_t<A>...>;
};
template <class C, class R, class... A> struct member_parameters {
  static constexpr bool known = true;
  using types = std::tuple<std::remove_cvref_t<A>...>;
};
template <class M> struct member_parameters_of;
template <class C, class R, class... A>
struct member_parameters_of<R (C::*)(A...) const> : member_parameters<C, R, A...> {};
template <class C, class R, class... A>
struct member_parameters_of<R (C::*)(A...)> : member_parameters<C, R, A...> {};
template <class F>
struct parameters_of<F, std::void_t<decltype(&F::operator())>>
    : member_parameters_of<decltype(&F::operator())> {};

/// What a subject's result is measured against: θ (a gradient), the gradient it clips, the
/// optimizer state it steps, or the micro-batch gradients it accumulates.
enum class result_kind { gradient, clipped, state, accumulated };

/// The parameter a subject's signature is told apart by (θ, the gradient, the state): the
/// second, or the only one.
template <class... A> constexpr std::size_t defining_parameter = sizeof...(A) > 1 ? 1 : 0;

/// Throws dimension_error: the subject returned `got` entries for `want`.
[[noreturn]] void refuse_result_size(const std::string &subject, long got, long want, result_kind what);

/// A subject's callable with its result's size checked against its second argument (θ, the
/// gradient to clip, the optimizer state) before any law reads it: an empty or short result is
/// an error naming the subject, and a huge one is refused at once instead of being rounded and
/// compared entry by entry.
template <class Sig> struct size_checked;
template <class R, class... A> struct size_checked<R(A...)> {
  static std::function<R(A...)> wrap(const std::string &name, std::function<R(A...)> f) {
    if (!f) return f;
    return [name, f = std::move(f)](A... a) -> R {
      R r = f(a...);
      if constexpr (sizeof...(A) == 1) { // the micro-batch gradients it accumulates
        const auto &pieces = std::get<0>(std::forward_as_tuple(a...));
        const long want = pieces.empty() ? 0 : long(pieces.front().size());
        if (long(r.size()) != want) refuse_result_size(name, long(r.size()), want, result_kind::accumulated);
      } else {
        const auto &given = std::get<1>(std::forward_as_tuple(a...));
        using first = std::remove_cvref_t<std::tuple_element_t<0, std::tuple<A...>>>;
        using second = std::remove_cvref_t<std::tuple_element_t<1, std::tuple<A...>>>;
        constexpr result_kind what = std::is_same_v<first, model> ? result_kind::gradient
                                     : std::is_same_v<second, std::remove_cvref_t<R>> &&
                                             !requires { second::RowsAtCompileTime; }
                                         ? result_kind::state
                                         : result_kind::clipped;
        if (r.size() != given.size()) refuse_result_size(name, long(r.size()), long(given.size()), what);
      }
      return r;
    };
  }
};

/// The parameter types of a std::function.
template <class Fn> struct function_parameters;
template <class R, class... A> struct function_parameters<std::function<R(A...)>> {
  using types = std::tuple<std::remove_cvref_t<A>...>;
  static constexpr std::size_t defining = defining_parameter<A...>;
};

/// True when F is meant for scalar T: a generic F callable on T's arguments, or an F whose defining
/// parameter (θ, the gradient, the state, the pieces) is exactly Fn's on T. (Eigen converts vectors
/// between scalar types implicitly, so "callable" alone would let a double-only function claim
/// every rung.)
template <class F, class Fn, class T> constexpr bool meant_for() {
  if constexpr (parameters_of<F>::known)
    return std::is_same_v<
        std::tuple_element_t<function_parameters<Fn>::defining, typename parameters_of<F>::types>,
        std::tuple_element_t<function_parameters<Fn>::defining,
                             typename function_parameters<Fn>::types>>;
  else
    return std::is_constructible_v<Fn, F>;
}
} // namespace detail

/// True when T is one of the list's types.
template <class T, class List> inline constexpr bool in_type_list_v = false;
template <class T, class... Ts>
inline constexpr bool in_type_list_v<T, type_list<Ts...>> = (std::is_same_v<T, Ts> || ...);

/// Code under test with signature Signature<T> on each scalar T of Scalars it supports: the
/// backward scalars, or step_scalars (the 16-bit formats too) for the training step's subjects.
template <template <class> class Signature, class Scalars = backward_scalars> class subject {
public:
  subject() = default;
  explicit subject(std::string name) : name_(std::move(name)) {}

  /// How reports name the subject, e.g. "gradlaws backprop".
  const std::string &name() const { return name_; }

  /// True when subjects of this kind may run on scalar T at all.
  template <class T> static constexpr bool kind_runs_on() { return in_type_list_v<T, Scalars>; }

  /// True when the subject has a callable for scalar T.
  template <class T> bool runs_on() const {
    if constexpr (kind_runs_on<T>()) return bool(std::get<fn<T>>(fns_));
    else return false;
  }

  /// The callable for scalar T; throws unsupported_rung_error if there is none.
  template <class T> const std::function<Signature<T>> &on() const {
    static_assert(kind_runs_on<T>(), "subject::on<T>: subjects of this kind never run on T");
    const auto &f = std::get<fn<T>>(fns_);
    if (!f)
      throw unsupported_rung_error("the subject '" + name_ + "' does not run on the " +
                                   std::string(to_string(scalar_traits<T>::kind)) + " rung (" +
                                   scalar_traits<T>::name() + ")");
    return f;
  }

  /// Sets the callable for scalar T.
  template <class T> subject &set(std::function<Signature<T>> f) {
    static_assert(kind_runs_on<T>(), "subject::set<T>: subjects of this kind never run on T");
    std::get<fn<T>>(fns_) = detail::size_checked<Signature<T>>::wrap(name_, std::move(f));
    return *this;
  }

  /// Sets the callable on every scalar of the kind f is written for: all of them for a generic
  /// callable, the one its second parameter (θ, the gradient, the state) names otherwise.
  template <class F> subject &set_generic(F f) {
    set_each(f, Scalars{});
    return *this;
  }

  /// Declares what the subject supports: registry entries, its one model, batch and group
  /// sizes, batch coupling. Default: any model gradlaws describes, any size.
  subject &supports(capabilities c) {
    caps_ = std::move(c);
    return *this;
  }
  /// What the subject supports (its rungs are those it has callables for).
  const capabilities &supported() const { return caps_; }

  /// Declares the subject's own elementwise functions (gradlaws/own_functions.hpp): the
  /// machine rung's law verdict charges them for their movement, not for their distance from
  /// the exact function, and the accuracy verdict measures them. Default: none (the subject's
  /// functions are taken to be within the math library's published errors).
  subject &computes_with(own_functions f) {
    own_ = std::make_shared<const own_functions>(std::move(f));
    return *this;
  }
  /// The subject's own functions (empty when it declared none).
  const own_functions &own() const {
    static const own_functions none;
    return own_ ? *own_ : none;
  }

private:
  template <class T> using fn = std::function<Signature<T>>;

  template <class F, class... Ts> void set_each(const F &f, type_list<Ts...>) {
    (set_one<Ts>(f), ...);
  }
  template <class T, class F> void set_one(const F &f) {
    if constexpr (detail::meant_for<F, fn<T>, T>())
      std::get<fn<T>>(fns_) = detail::size_checked<Signature<T>>::wrap(name_, fn<T>(f));
  }
  template <class... Ts> static std::tuple<fn<Ts>...> table_of(type_list<Ts...>);

  std::string name_;
  capabilities caps_;
  std::shared_ptr<const own_functions> own_;
  decltype(table_of(Scalars{})) fns_;
};

/// ∇_θ J(θ; X, Y) for J = Σ c_i L_i under reduction r, of a model gradlaws describes.
template <class T>
using batch_gradient_signature = vec<T>(const model &, const vec<T> &theta, const mat<T> &x,
                                        const mat<T> &y, const reduction &r);
using gradient_subject = subject<batch_gradient_signature>;

/// ∂/∂θ of Σ_{i,j} U(j,i)·ŷ(j,i) at the forward pass of X (the backward pass of an upstream
/// error U through the model's activations of X).
template <class T>
using backward_signature = vec<T>(const model &, const vec<T> &theta, const mat<T> &x,
                                  const mat<T> &upstream);
using backward_subject = subject<backward_signature>;

/// A training pipeline's gradient of a batch laid out in groups (micro-batches, replica
/// shards, sequences) with a mask.
template <class T>
using pipeline_signature = vec<T>(const model &, const vec<T> &theta, const mat<T> &x,
                                  const mat<T> &y, const layout &l);
using pipeline_subject = subject<pipeline_signature>;

/// A clipping rule of a training step: the gradient g clipped at threshold C > 0 (by its norm,
/// as torch.nn.utils.clip_grad_norm_ does, or however the code under test clips).
template <class T>
using clipping_signature = vec<T>(const T &threshold, const vec<T> &g);
using clipping_subject = subject<clipping_signature, step_scalars>;

/// An optimizer of a training step: the state after one step of `rule` (handed by the law,
/// within the family the subject declares) with gradient g.
template <class T>
using update_signature = optimizer_state<T>(const update_rule &rule, const optimizer_state<T> &state,
                                            const vec<T> &g);
using optimizer_subject = subject<update_signature, step_scalars>;

/// Gradient accumulation of a training step: the mean gradient of K equal micro-batches from
/// their K gradients (the pieces), as the training loop accumulates them. In bfloat16 and
/// float16 the pieces are what a half-precision backward pass produces, and the result is
/// handed back in the same format.
template <class T>
using accumulation_signature = vec<T>(const std::vector<vec<T>> &pieces);
using accumulation_subject = subject<accumulation_signature, step_scalars>;

/// A whole training step after the backward passes: the optimizer state after accumulating the
/// micro-batch gradients of a loss scaled by S, unscaling, skipping the step if that overflowed,
/// clipping and stepping, as `config` asks (gradlaws/training_step.hpp).
template <class T>
using training_step_signature = optimizer_state<T>(const step_config &config,
                                                   const optimizer_state<T> &state,
                                                   const std::vector<vec<T>> &pieces);
using training_step_subject = subject<training_step_signature, step_scalars>;

/// gradlaws's own batch gradient: one batched forward and backward pass (gradient()).
const gradient_subject &backprop_subject();
/// gradlaws's own backward pass: forward() keeping the tape, then backward().
const backward_subject &backward_pass_subject();
/// A registered strategy run on gradlaws's backprop.
pipeline_subject strategy_subject(const strategy &s);
/// The full-batch gradient of the valid items (the batched_mean strategy): what every
/// pipeline claims to compute.
const pipeline_subject &full_batch_subject();
/// Clipping by the ℓ2 norm, g · min(1, C/‖g‖) (clip_by_norm).
const clipping_subject &norm_clipping_subject();
/// gradlaws's optimizer step (step()): SGD, Adam and AdamW as PyTorch takes them.
const optimizer_subject &optimizer_step_subject();
/// gradlaws's gradient accumulation (accumulate_mean()): in float for the 16-bit formats, as
/// mixed-precision training keeps its gradient buffers.
const accumulation_subject &mean_accumulation_subject();
/// gradlaws's training step (training_step()): accumulate in float for 16-bit pieces, unscale,
/// skip on overflow, clip, step.
const training_step_subject &training_step_reference();

/// What a kind of subject claims to compute, as gradlaws computes it: the reference the
/// machine rung measures a subject's float or double results against.
template <class Subject> struct reference;
template <> struct reference<gradient_subject> {
  static const gradient_subject &get() { return backprop_subject(); }
};
template <> struct reference<backward_subject> {
  static const backward_subject &get() { return backward_pass_subject(); }
};
template <> struct reference<pipeline_subject> {
  static const pipeline_subject &get() { return full_batch_subject(); }
};
template <> struct reference<clipping_subject> {
  static const clipping_subject &get() { return norm_clipping_subject(); }
};
template <> struct reference<optimizer_subject> {
  static const optimizer_subject &get() { return optimizer_step_subject(); }
};
template <> struct reference<accumulation_subject> {
  static const accumulation_subject &get() { return mean_accumulation_subject(); }
};
template <> struct reference<training_step_subject> {
  static const training_step_subject &get() { return training_step_reference(); }
};
/// True for the kinds of subject that have a reference (and so run on the machine rung).
template <class Subject>
inline constexpr bool has_reference_v = requires { reference<Subject>::get(); };

/// A subject of kind Subject from a callable: generic over the scalar (a lambda with a template
/// parameter list or auto parameters) or for some scalars only.
template <class Subject, class F> Subject make_subject(std::string name, F f) {
  Subject s(std::move(name));
  s.set_generic(std::move(f));
  return s;
}
/// A gradient subject from a callable (model, θ, X, Y, reduction) → ∇_θ J.
template <class F> gradient_subject make_gradient_subject(std::string name, F f) {
  return make_subject<gradient_subject>(std::move(name), std::move(f));
}
/// A pipeline subject from a callable (model, θ, X, Y, layout) → the pipeline's gradient.
template <class F> pipeline_subject make_pipeline_subject(std::string name, F f) {
  return make_subject<pipeline_subject>(std::move(name), std::move(f));
}
/// A clipping subject from a callable (threshold, g) → clipped g, generic or for some scalars.
template <class F> clipping_subject make_clipping_subject(std::string name, F f) {
  return make_subject<clipping_subject>(std::move(name), std::move(f));
}
/// An optimizer subject from a callable (rule, state, g) → state′, generic or for some scalars.
/// Declare the family of rules it computes: supports({.optimizer = update_rule::family::adam}).
template <class F> optimizer_subject make_optimizer_subject(std::string name, F f) {
  return make_subject<optimizer_subject>(std::move(name), std::move(f));
}
/// A training-step subject from a callable (config, state, micro-batch gradients) → state′.
/// Declare the family of rules it computes: supports({.optimizer = update_rule::family::sgd}).
template <class F> training_step_subject make_training_step_subject(std::string name, F f) {
  return make_subject<training_step_subject>(std::move(name), std::move(f));
}
/// An accumulation subject from a callable (micro-batch gradients) → their accumulated mean.
template <class F> accumulation_subject make_accumulation_subject(std::string name, F f) {
  return make_subject<accumulation_subject>(std::move(name), std::move(f));
}

/// The subject's callable on T as the engine's batch_gradient_fn, for the engine's functions
/// that assemble gradients from batch gradients (example_gradient, mean_of_example_gradients,
/// gradient_at_mean_example, schedule_gradient, strategy::gradient).
template <class T> batch_gradient_fn<T> on(const gradient_subject &g) { return g.on<T>(); }

} // namespace gradlaws
