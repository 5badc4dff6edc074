// Class-index token losses with an ignore label (-100), reduced by hand as a framework's
// "mean" (reduction::framework_mean(): Σ L_t divided by the class weights of the labelled
// targets). Each subject declares that it computes that mean, so the laws that ask for it run.

#include "common.hpp"

namespace gallery {
namespace {

enum class mistake {
  none,                 // ÷ Σ w of the labelled targets: correct
  labelled_count,       // ÷ the number of labelled targets, whatever their class weights
  every_position,       // ÷ every position, ignored ones included
  smoothing_on_ignored  // ignored positions keep the smoothing term -(ε/C) Σ_j log p_j
};

/// The smoothing ε of cross_entropy_smoothed.
const exact smoothing(1, 10);

/// ∇ of Σ_t c_t L_t for the reduction r, with the loss's own mean worked out by hand.
template <class T>
vec<T> token_loss_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                           const reduction &r, mistake k) {
  const loss &l = m.objective_loss();
  std::vector<exact> c;
  if (r.k == reduction::kind::framework_mean) {
    exact divisor(0);
    for (Eigen::Index i = 0; i < y.cols(); ++i) {
      const exact w = l.count_of(vec<T>(y.col(i)), m.output_dim());
      if (k == mistake::labelled_count) divisor += w == 0 ? 0 : 1;
      else if (k == mistake::every_position) divisor += 1;
      else divisor += w;
    }
    if (divisor == 0) throw empty_batch_error("every target is ignored");
    c.assign(std::size_t(y.cols()), exact(1) / divisor);
  } else {
    c = r.coefficients_for(l, y, m.output_dim());
  }
  vec<T> g = gradient<T>(m, theta, x, y, reduction::given(c));
  if (k != mistake::smoothing_on_ignored) return g;
  // The smoothing term at ignored positions: ε × the cross-entropy against the uniform target.
  const model uniform = m.with_loss(find_loss("softmax_ce"));
  const mat<T> u = mat<T>::Constant(y.rows() == 1 ? Eigen::Index(m.output_dim()) : y.rows(),
                                    y.cols(), T(1) / count<T>(m.output_dim()));
  std::vector<exact> spread(c.size(), exact(0));
  for (Eigen::Index i = 0; i < y.cols(); ++i)
    if (l.count_of(vec<T>(y.col(i)), m.output_dim()) == 0) spread[std::size_t(i)] = smoothing * c[std::size_t(i)];
  return vec<T>(g + gradient<T>(uniform, theta, x, u, reduction::given(spread)));
}

gradient_subject token_subject(const std::string &name, mistake k, selection<loss> losses) {
  gradient_subject s = make_gradient_subject(
      name, [k]<class T>(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                         const reduction &r) -> vec<T> {
        if constexpr (std::is_same_v<T, interval>)
          throw unsupported_rung_error("the gallery's token losses run on exact, high and machine");
        else return token_loss_gradient<T>(m, theta, x, y, r, k);
      });
  s.supports({.losses = std::move(losses), .framework_mean = true});
  return s;
}

selection<loss> named(std::vector<std::string> n) { return selection<loss>::named(std::move(n)); }

const check_options few = {.variants = {"identity_exact", "identity_high", "tanh_high",
                                        "identity_double", "tanh_float"}};
// Label smoothing takes a log-softmax: no exact rung.
const check_options few_inexact = {.variants = {"identity_high", "tanh_high", "identity_double",
                                                "tanh_float"}};

const bool weighted = register_gallery_case(
    {.info = {.name = "class_weighted_ce_over_labelled_count",
              .title = "a class-weighted cross-entropy's mean divides by the labelled tokens, not "
                       "by Σ w of their classes",
              .story = "cross_entropy(weight=w, ignore_index=-100) over class-index tokens, with "
                       "the mean taken by hand as Σ_t w_{y_t} L_t / (number of labelled tokens). "
                       "PyTorch divides by Σ_t w_{y_t} over the labelled tokens, so the gradient "
                       "is off by a factor that changes with the classes in every batch. Fix: "
                       "divide by the sum of the labelled targets' class weights.",
              .expected_match = ""},
     .bug = token_subject("Σ w_y L_t / labelled tokens", mistake::labelled_count,
                          named({"cross_entropy_weighted", "nll_weighted"})),
     .twin = token_subject("Σ w_y L_t / Σ w_y", mistake::none,
                           named({"cross_entropy_weighted", "nll_weighted"})),
     .options = few});

const bool every_position = register_gallery_case(
    {.info = {.name = "token_mean_counts_ignored_labels",
              .title = "a token loss over class indices divides by every position, -100 ones "
                       "included",
              .story = "Class-index targets with ignore_index=-100 for padding and prompt tokens; "
                       "the per-token losses are summed and divided by labels.numel() instead of "
                       "(labels != -100).sum(), so padded batches get smaller gradients. Fix: "
                       "count the labels that are not ignored.",
              .expected_match = ""},
     .bug = token_subject("Σ L_t / every position", mistake::every_position,
                          named({"cross_entropy", "nll"})),
     .twin = token_subject("Σ L_t / labelled tokens", mistake::none, named({"cross_entropy", "nll"})),
     .options = few});

const bool smoothing_mass = register_gallery_case(
    {.info = {.name = "label_smoothing_on_ignored_tokens",
              .title = "label smoothing keeps its ε at ignored (-100) positions",
              .story = "A hand-written label-smoothed cross-entropy that masks only the one-hot "
                       "part at ignore_index: the smoothing term -(ε/C) Σ_j log p_j stays at "
                       "padding positions and trains the model towards uniform predictions there. "
                       "Fix: mask the whole per-token loss, as PyTorch's "
                       "cross_entropy(label_smoothing=ε, ignore_index=-100) does.",
              .expected_match = ""},
     .bug = token_subject("smoothing at ignored positions too", mistake::smoothing_on_ignored,
                          named({"cross_entropy_smoothed"})),
     .twin = token_subject("smoothing masked with the label", mistake::none,
                           named({"cross_entropy_smoothed"})),
     .options = few_inexact});

} // namespace
} // namespace gallery
