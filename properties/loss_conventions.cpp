// Loss conventions: what a framework's "mean" divides by. The mean over N·d elements is the
// per-example mean of per-output means; a class-index loss's mean divides by Σ w of the
// targets' classes, ignored targets excluded; accumulated micro-batch sums divided by that
// global count give it. Dividing by N, counting ignored targets, averaging micro-batch means and
// spreading label smoothing over ignored positions do not.

#include "cases.hpp"

#include <numeric>

namespace gradlaws::props {
namespace {

bool class_targets(const loss &l) { return l.info().target == target_kind::class_index; }
bool weighted_classes(const loss &l) { return class_targets(l) && l.class_weight(1, 2) != 1; }

const selection<loss> &element_losses() {
  static const auto s = selection<loss>::where(
      "counting N·d elements in their own mean",
      [](const loss &l) { return l.info().counts == mean_count::elements; });
  return s;
}
const selection<loss> &weighted_losses() {
  static const auto s = selection<loss>::where("with class weights", weighted_classes);
  return s;
}
const selection<loss> &unweighted_class_losses() {
  static const auto s = selection<loss>::where(
      "with class-index targets and no class weights",
      [](const loss &l) { return class_targets(l) && !weighted_classes(l); });
  return s;
}
const selection<loss> &any_class_losses() {
  static const auto s = selection<loss>::where("with class-index targets", class_targets);
  return s;
}

/// The conventions are about the loss: two activations (identity on the exact and high rungs,
/// tanh on the high rung) stand for the rest.
selection<activation> few_activations() { return selection<activation>::named({"identity", "tanh"}); }

/// options_for(v) drawing the losses s admits, class-index ones included.
gen::problem_options loss_options(const variant &v, const selection<loss> &s, bool ignored) {
  gen::problem_options o = options_for(v);
  o.losses = o.losses & s;
  o.class_targets = true;
  o.ignored_targets = ignored;
  return o;
}
case_generator<problem> problems_of(selection<loss> s, bool ignored = true) {
  return [s, ignored](const variant &v) { return gen::problems(loss_options(v, s, ignored)); };
}

/// The count of each target in the loss's own mean, and their sum.
std::vector<exact> counts_of(const problem &p) {
  std::vector<exact> c;
  for (Eigen::Index i = 0; i < p.y.cols(); ++i)
    c.push_back(p.m.objective_loss().count_of(vec<exact>(p.y.col(i)), p.m.output_dim()));
  return c;
}
exact total(const std::vector<exact> &v) { return std::accumulate(v.begin(), v.end(), exact(0)); }

/// Both sides per parameter, as bars.
std::vector<figure> side_bars(const problem &p, const sides<high> &s, std::string title,
                              std::string caption, std::string lhs, std::string rhs) {
  figure f;
  f.name = "sides";
  f.title = std::move(title);
  f.x_label = "parameter";
  f.y_label = "gradient component";
  f.categories = p.m.parameter_names();
  figure::series a{.label = std::move(lhs), .style = figure::mark::bars};
  figure::series b{.label = std::move(rhs), .style = figure::mark::bars};
  for (Eigen::Index k = 0; k < s.lhs.size(); ++k) {
    a.x.push_back(double(k));
    a.y.push_back(s.lhs[k].convert_to<double>());
    b.x.push_back(double(k));
    b.y.push_back(s.rhs[k].convert_to<double>());
  }
  f.data = {a, b};
  f.caption = std::move(caption);
  return {f};
}

// ---------------------------------------------------------------------------------------------
// The mean over every element

template <class T> sides<T> element_mean_sides(const gradient_subject &g, const problem &p) {
  const auto l = lift<T>(p);
  const T d(static_cast<int>(p.m.output_dim()));
  return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::framework_mean()),
          vec<T>(g.on<T>()(p.m, l.theta, l.x, l.y, reduction::mean()) / d)};
}

std::string two_outputs_one_example(const problem &p, const verdict &) {
  if (p.m.output_dim() != 2 || p.batch_size() != 1)
    return "expected one example of a model with two outputs, got N = " +
           std::to_string(p.batch_size()) + ", d_out = " + std::to_string(p.m.output_dim());
  return "";
}

const bool element_mean = register_law(
    make_law<gradient_subject, problem>(
        {.name = "element_mean",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "the framework's mean over all N·d output elements is the per-example mean of "
                  "per-output means: 1/d times gradlaws's mean of per-example sums",
         .formula = "∇ (1/(N·d)) Σ_i Σ_j ℓ_ij = (1/N) Σ_i ∇ (1/d) Σ_j ℓ_ij",
         .lhs = "batched backprop of the framework's mean (÷ N·d)",
         .rhs = "batched backprop of the per-example sums ÷ N, times 1/d",
         .explanation = "every example has the same d outputs, so ÷ N·d is ÷ N then ÷ d",
         .domain = {.activations = few_activations(), .for_users = false}},
        problems_of(element_losses()),
        []<class T>(const gradient_subject &g, const problem &p) { return element_mean_sides<T>(g, p); }),
    builtin_gradient_subject);

const bool output_sum = register_fallacy(
    make_fallacy<gradient_subject, problem>(
        {.name = "output_sum_as_element_mean",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "a loss that sums over its outputs, averaged over the examples, has the gradient "
                  "of the framework's mean over all elements (PyTorch's mse_loss)",
         .formula = "∇ (1/N) Σ_i Σ_j ℓ_ij = ∇ (1/(N·d)) Σ_i Σ_j ℓ_ij",
         .lhs = "batched backprop of the per-example sums ÷ N",
         .rhs = "batched backprop of the framework's mean (÷ N·d)",
         .expected_shape = "one example of a model with two outputs: the sides differ by the "
                           "factor d_out = 2",
         .explanation = "wrong convention: the framework's mean divides by every element, N·d, "
                        "gradlaws's J by the N examples, so the gradients differ by the factor "
                        "d_out. Right: compare like with like — reduction::framework_mean() for "
                        "the framework's mean, or the per-example sum ÷ N on both sides. They "
                        "agree when d_out = 1 (boundary law one_output_element_mean).",
         .domain = {.activations = few_activations(), .for_users = false}},
        problems_of(element_losses()),
        []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::mean()),
                  g.on<T>()(p.m, l.theta, l.x, l.y, reduction::framework_mean())};
        },
        two_outputs_one_example)
        .with_figures([](const problem &p, const verdict &) {
          const precision_scope scope(default_digits);
          const auto l = lift<high>(p);
          const sides<high> s{gradient<high>(p.m, l.theta, l.x, l.y, reduction::mean()),
                              gradient<high>(p.m, l.theta, l.x, l.y, reduction::framework_mean())};
          return side_bars(p, s, "gradlaws's mean against the framework's mean over elements",
                           "Every bar of the per-example sum is d_out times the framework's.",
                           "per-example sums ÷ N", "framework's mean ÷ N·d");
        }),
    {.name = "one_output_element_mean",
     .claim = "with one output per example the per-example sum ÷ N is the framework's mean over "
              "all elements",
     .formula = "d = 1  ⇒  ∇ (1/N) Σ_i ℓ_i = ∇ (1/(N·1)) Σ_i ℓ_i",
     .explanation = "N·d = N",
     .cases =
         [](const variant &v) {
           gen::problem_options o = loss_options(v, element_losses(), true);
           o.max_output = 1;
           return gen::problems(o);
         },
     .domain = {.activations = few_activations(), .for_users = false}},
    builtin_gradient_subject);

// ---------------------------------------------------------------------------------------------
// Class weights and ignored targets

/// The loss of a weighted class-index loss without its weights (cross_entropy_weighted →
/// cross_entropy, nll_weighted → nll).
const loss &unweighted_twin(const loss &l) {
  const std::string suffix = "_weighted";
  const std::string &n = l.name();
  if (n.size() <= suffix.size() || n.compare(n.size() - suffix.size(), suffix.size(), suffix) != 0)
    throw error("loss " + n + " has no unweighted twin registered");
  return find_loss(n.substr(0, n.size() - suffix.size()));
}

template <class T> sides<T> weighted_mean_sides(const gradient_subject &g, const problem &p) {
  const auto l = lift<T>(p);
  const std::vector<exact> w = counts_of(p);
  const exact sum = total(w);
  const model plain = p.m.with_loss(unweighted_twin(p.m.objective_loss()));
  vec<T> mean = vec<T>::Constant(l.theta.size(), T(0));
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w[i] != 0)
      mean += from_exact<T>(w[i] / sum) *
              example_gradient<T>(plain, l.theta, l.x, l.y, Eigen::Index(i), on<T>(g));
  return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::framework_mean()), mean};
}

const bool weighted_mean_of_classes = register_law(
    make_law<gradient_subject, problem>(
        {.name = "class_weighted_mean",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "a class-weighted cross-entropy's own mean (÷ Σ w of the targets' classes, "
                  "ignored targets excluded) is the weighted mean of the unweighted per-example "
                  "gradients with weights w_{y_i}",
         .formula = "∇ Σ_i w_{y_i} L_i / Σ_i w_{y_i} = Σ_i (w_{y_i} / Σ_j w_{y_j}) ∇L_i",
         .lhs = "batched backprop of the weighted loss's own mean",
         .rhs = "weighted mean of unweighted per-example backprops",
         .explanation = "constant weights pass through the derivative; an ignored target has "
                        "weight 0 on both sides",
         .domain = {.activations = few_activations(), .keeps_model = false, .for_users = false}},
        problems_of(weighted_losses()),
        []<class T>(const gradient_subject &g, const problem &p) { return weighted_mean_sides<T>(g, p); }),
    builtin_gradient_subject);

/// The framework's mean against ÷ N (ignored targets counted).
template <class T> sides<T> count_sides(const gradient_subject &g, const problem &p) {
  const auto l = lift<T>(p);
  return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::framework_mean()),
          g.on<T>()(p.m, l.theta, l.x, l.y, reduction::mean())};
}
std::vector<figure> count_figures(const problem &p, const verdict &) {
  const precision_scope scope(default_digits);
  const sides<high> s = count_sides<high>(backprop_subject(), p);
  return side_bars(p, s, "÷ Σ w of the labelled targets against ÷ N",
                   "The bars differ by the factor Σ_i w_{y_i} / N.", "the loss's own mean",
                   "Σ L_i ÷ N");
}

/// "" when the targets' class weights do not sum to N (the factor of the two sides), else
/// what differs.
std::string weights_not_averaging_one(const problem &p, const verdict &) {
  const exact w = total(counts_of(p));
  if (w == exact(static_cast<long>(p.batch_size())))
    return "expected class weights summing to other than N, got Σ w = " + to_string(w);
  return "";
}

const bool weighted_over_n = register_fallacy(
    make_fallacy<gradient_subject, problem>(
        {.name = "class_weighted_mean_over_n",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "a class-weighted cross-entropy may be averaged by dividing Σ w_{y_i} L_i by the "
                  "batch size N",
         .formula = "∇ Σ_i w_{y_i} L_i / Σ_i w_{y_i} = ∇ Σ_i w_{y_i} L_i / N",
         .lhs = "batched backprop of the loss's own mean (÷ Σ w_{y_i})",
         .rhs = "batched backprop of Σ w_{y_i} L_i ÷ N",
         .expected_shape = "labels whose class weights sum to Σ w ≠ N: the sides differ by the "
                           "factor N / Σ w (one example of class 1, weight 2, at best)",
         .explanation = "wrong divisor: PyTorch's weighted cross_entropy divides by the sum of "
                        "the targets' class weights, so ÷ N scales the gradient by Σ w_{y_i} / N, "
                        "a factor that changes with every batch's labels. Right: divide by "
                        "Σ_i w_{y_i} over the targets not ignored — under accumulation, the "
                        "global sum. The two agree only when every target weighs 1 (boundary law "
                        "class_weights_of_one).",
         .domain = {.activations = few_activations(), .for_users = false}},
        // No ignored target: an ignored one counted in N is a fallacy of its own
        // (ignored_targets_counted).
        problems_of(weighted_losses(), false), []<class T>(const gradient_subject &g, const problem &p) {
          return count_sides<T>(g, p);
        },
        weights_not_averaging_one)
        .with_figures(count_figures),
    {.name = "class_weights_of_one",
     .claim = "when every target is of a class whose weight is 1 and none is ignored, ÷ N is "
              "the weighted loss's own mean",
     .formula = "w_{y_i} = 1 for every i  ⇒  Σ_i w_{y_i} = N",
     .explanation = "the divisors are equal",
     .cases =
         [](const variant &v) {
           return rc::gen::map(gen::problems(loss_options(v, weighted_losses(), false)), [](problem p) {
             p.y.setConstant(exact(0)); // class 0 weighs 1
             return p;
           });
         },
     .domain = {.activations = few_activations(), .for_users = false}},
    builtin_gradient_subject);

std::string one_labelled_one_ignored(const problem &p, const verdict &) {
  const loss &l = p.m.objective_loss();
  if (p.batch_size() != 2) return "expected two examples, got " + std::to_string(p.batch_size());
  int ignored = 0;
  for (Eigen::Index i = 0; i < 2; ++i) ignored += l.ignores(vec<exact>(p.y.col(i))) ? 1 : 0;
  return ignored == 1 ? "" : "expected one of the two targets ignored, got " + std::to_string(ignored);
}

const bool ignored_counted = register_fallacy(
    make_fallacy<gradient_subject, problem>(
        {.name = "ignored_targets_counted",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "a token loss with an ignore index may be averaged over every position, the "
                  "ignored ones included",
         .formula = "∇ Σ_{labelled i} L_i / T = ∇ Σ_i L_i / N   (T labelled of N)",
         .lhs = "batched backprop of the loss's own mean (÷ T labelled)",
         .rhs = "batched backprop of Σ L_i ÷ N",
         .expected_shape = "two targets, one of them ignored: the sides differ by the factor 2",
         .explanation = "wrong count: an ignored target has no loss but still counts in N, so "
                        "batches with more padding get smaller gradients. Right: divide by the "
                        "number T of targets that are not ignored (PyTorch's cross_entropy with "
                        "ignore_index does). They agree when no target is ignored (boundary law "
                        "no_target_ignored).",
         .domain = {.activations = few_activations(), .for_users = false}},
        problems_of(unweighted_class_losses()),
        []<class T>(const gradient_subject &g, const problem &p) { return count_sides<T>(g, p); },
        one_labelled_one_ignored)
        .with_figures(count_figures),
    {.name = "no_target_ignored",
     .claim = "when no target is ignored, Σ L_i ÷ N is the loss's own mean",
     .formula = "T = N  ⇒  ∇ Σ_i L_i / T = ∇ Σ_i L_i / N",
     .explanation = "every position is labelled",
     .cases = problems_of(unweighted_class_losses(), false),
     .domain = {.activations = few_activations(), .for_users = false}},
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
