// The loss's own mean as the only reduction: laws for code that computes what its framework's
// loss computes with reduction='mean' (F::cross_entropy(logits, labels) as written, a language
// model's step over its tokens) and nothing else. They hand the subject the framework's mean
// alone, so a subject declaring capabilities::framework_mean_only gets them; each holds for
// every loss, every ignored target and every class weight: the own mean is Σ L_i / Ω with
// Ω = Σ_i Ω_i, the count of each example's share (1, d, or Σ w of its labelled tokens).

#include "cases.hpp"

namespace gradlaws::props {
namespace {

/// Every loss, class-index ones too (with ignored targets), on the exact rung where the loss is
/// rational, the high rung and the machine rung.
gen::problem_options own_mean_options(const variant &v) {
  gen::problem_options o = options_for(v);
  o.class_targets = true;
  o.ignored_targets = true;
  o.min_output = std::max<std::size_t>(o.min_output, 2);
  return o;
}

law_domain own_mean_domain(bool coupled, std::size_t hands_batches_of) {
  return {.activations = selection<activation>::named({"identity", "tanh"}),
          .rungs = {rung::exact, rung::high, rung::machine},
          .holds_under_coupling = coupled,
          .hands_batches_of = hands_batches_of,
          .hands_framework_mean = true,
          .hands_gradlaws_reductions = false};
}

template <class T> vec<T> own_mean(const gradient_subject &g, const model &m, const vec<T> &theta,
                                   const mat<T> &x, const mat<T> &y) {
  return g.on<T>()(m, theta, x, y, reduction::framework_mean());
}

/// Σ_i (Ω_i / Ω) ∇(L_i / Ω_i) over the examples with Ω_i > 0 (an example whose every target is
/// ignored has no own mean, and no share of the batch's).
template <class T> vec<T> count_weighted_example_means(const gradient_subject &g, const problem &p) {
  const auto l = lift<T>(p);
  const std::vector<exact> c = counts_of(p);
  const exact omega = total(c);
  vec<T> out = vec<T>::Constant(l.theta.size(), T(0));
  for (Eigen::Index i = 0; i < l.x.cols(); ++i)
    if (c[std::size_t(i)] != 0)
      out += from_exact<T>(c[std::size_t(i)] / omega) *
             own_mean<T>(g, p.m, l.theta, mat<T>(l.x.col(i)), mat<T>(l.y.col(i)));
  return out;
}

const bool own_mean_linearity = register_law(
    make_law<gradient_subject, problem>(
        {.name = "own_mean_linearity",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "the gradient of the loss's own mean over a batch is the mean of the examples' "
                  "own means, each weighted by its share of the count (its labelled tokens, its "
                  "elements)",
         .formula = "∇ Σ_i L_i / Ω = Σ_i (Ω_i / Ω) ∇ (L_i / Ω_i),   Ω = Σ_i Ω_i",
         .lhs = "the subject's own mean over the batch",
         .rhs = "count-weighted mean of the subject's own mean per example",
         .explanation = "differentiation is linear, and Ω_i/Ω · L_i/Ω_i = L_i/Ω: a step that "
                        "normalises each sequence by its own token count and then averages the "
                        "sequences fails here unless every sequence has as many labelled tokens",
         .domain = own_mean_domain(false, 1)},
        [](const variant &v) { return gen::problems(own_mean_options(v)); },
        []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          return {own_mean<T>(g, p.m, l.theta, l.x, l.y), count_weighted_example_means<T>(g, p)};
        }),
    builtin_gradient_subject);

const bool own_mean_permutation = register_law(
    make_law<gradient_subject, reshuffled_problem>(
        {.name = "own_mean_permutation_invariance",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "permuting the examples does not change the gradient of the loss's own mean",
         .formula = "∇ Σ_i L_π(i) / Ω = ∇ Σ_i L_i / Ω",
         .lhs = "the subject's own mean over the permuted batch",
         .rhs = "the subject's own mean over the batch",
         .explanation = "a sum and its count are symmetric in the examples",
         .domain = own_mean_domain(true, 0)},
        [](const variant &v) { return reshuffled(own_mean_options(v)); },
        []<class T>(const gradient_subject &g, const reshuffled_problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          return {own_mean<T>(g, p.m, l.theta, permute(l.x, p.order), permute(l.y, p.order)),
                  own_mean<T>(g, p.m, l.theta, l.x, l.y)};
        }),
    builtin_gradient_subject);

const bool own_mean_duplication = register_law(
    make_law<gradient_subject, problem>(
        {.name = "own_mean_duplication_invariance",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "duplicating the whole batch does not change the gradient of the loss's own "
                  "mean",
         .formula = "∇ 2 Σ_i L_i / 2Ω = ∇ Σ_i L_i / Ω",
         .lhs = "the subject's own mean over the batch twice over",
         .rhs = "the subject's own mean over the batch",
         .explanation = "the sum and the count both double: a step that divides by a fixed "
                        "number (the nominal batch, the padded length) fails here",
         .domain = own_mean_domain(true, 0)},
        [](const variant &v) { return gen::problems(own_mean_options(v)); },
        []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          return {own_mean<T>(g, p.m, l.theta, append(l.x, l.x), append(l.y, l.y)),
                  own_mean<T>(g, p.m, l.theta, l.x, l.y)};
        }),
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
