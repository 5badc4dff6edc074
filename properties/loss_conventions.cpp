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

/// Exact (where the loss is rational), high, and the machine rung in double and float.
const std::vector<rung> every_rung{rung::exact, rung::high, rung::machine};

/// options_for(v) drawing the losses s admits, class-index ones included.
/// `min_output`: 2 for class-index losses (over one class they have no gradient).
gen::problem_options loss_options(const variant &v, const selection<loss> &s, bool ignored,
                                  std::size_t min_output = 2) {
  gen::problem_options o = options_for(v);
  o.losses = o.losses & s;
  o.class_targets = true;
  o.ignored_targets = ignored;
  o.min_output = min_output;
  return o;
}
case_generator<problem> problems_of(selection<loss> s, bool ignored = true,
                                    std::size_t min_output = 2) {
  return [s, ignored, min_output](const variant &v) {
    return gen::problems(loss_options(v, s, ignored, min_output));
  };
}


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

std::string two_outputs(const problem &p, const verdict &) {
  if (p.m.output_dim() != 2)
    return "expected a model with two outputs, got d_out = " + std::to_string(p.m.output_dim());
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
         .domain = {.activations = few_activations(),
                    .rungs = every_rung,
                    .losses = element_losses(),
                    .hands_framework_mean = true}},
        problems_of(element_losses(), true, 1),
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
         .expected_shape = "a model with two outputs: the sides differ by the factor d_out = 2 "
                           "(one example, at best)",
         .explanation = "wrong convention: the framework's mean divides by every element, N·d, "
                        "gradlaws's J by the N examples, so the gradients differ by the factor "
                        "d_out. Right: compare like with like — reduction::framework_mean() for "
                        "the framework's mean, or the per-example sum ÷ N on both sides. They "
                        "agree when d_out = 1 (boundary law one_output_element_mean).",
         .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
        problems_of(element_losses(), true, 1),
        []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::mean()),
                  g.on<T>()(p.m, l.theta, l.x, l.y, reduction::framework_mean())};
        },
        two_outputs)
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
           gen::problem_options o = loss_options(v, element_losses(), true, 1);
           o.max_output = 1;
           return gen::problems(o);
         },
     .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
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
         .domain = {.activations = few_activations(),
                    .rungs = every_rung,
                    .keeps_model = false,
                    .losses = weighted_losses(),
                    .hands_framework_mean = true}},
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
         .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
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
     .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
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
         .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
        problems_of(unweighted_class_losses()),
        []<class T>(const gradient_subject &g, const problem &p) { return count_sides<T>(g, p); },
        one_labelled_one_ignored)
        .with_figures(count_figures),
    {.name = "no_target_ignored",
     .claim = "when no target is ignored, Σ L_i ÷ N is the loss's own mean",
     .formula = "T = N  ⇒  ∇ Σ_i L_i / T = ∇ Σ_i L_i / N",
     .explanation = "every position is labelled",
     .cases = problems_of(unweighted_class_losses(), false),
     .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
    builtin_gradient_subject);

// ---------------------------------------------------------------------------------------------
// Micro-batches of tokens with an ignore label

/// Σ over the micro-batches of p.sizes of the gradient of Σ_{i∈k} c_i L_i, with c from
/// `coefficient(k, Ω_k)` for a target that counts and 0 for an ignored one (Ω_k: the
/// micro-batch's own count; a micro-batch whose targets are all ignored adds nothing).
template <class T, class Coefficient>
vec<T> accumulated(const gradient_subject &g, const partitioned_problem &p, Coefficient coefficient) {
  const auto l = lift<T>(p);
  const std::vector<exact> counts = counts_of(p);
  vec<T> sum = vec<T>::Constant(l.theta.size(), T(0));
  std::size_t begin = 0;
  for (std::size_t k = 0; k < p.sizes.size(); begin += p.sizes[k++]) {
    const exact own = std::accumulate(counts.begin() + long(begin),
                                      counts.begin() + long(begin + p.sizes[k]), exact(0));
    if (own == 0) continue;
    std::vector<exact> c;
    for (std::size_t i = begin; i < begin + p.sizes[k]; ++i)
      c.push_back(counts[i] == 0 ? exact(0) : coefficient(k, own));
    sum += g.on<T>()(p.m, l.theta, slice(l.x, begin, p.sizes[k]), slice(l.y, begin, p.sizes[k]),
                     reduction::given(c));
  }
  return sum;
}

template <class T> vec<T> full_batch_mean(const gradient_subject &g, const problem &p) {
  const auto l = lift<T>(p);
  return g.on<T>()(p.m, l.theta, l.x, l.y, reduction::framework_mean());
}

case_generator<partitioned_problem> split_tokens(selection<loss> s, bool ignored) {
  return [s, ignored](const variant &v) { return partitioned(loss_options(v, s, ignored)); };
}

/// The loss's count in each micro-batch: "(1, 0)".
std::string micro_batch_counts(const partitioned_problem &p) {
  const std::vector<exact> counts = counts_of(p);
  std::string out;
  std::size_t begin = 0;
  for (std::size_t k = 0; k < p.sizes.size(); begin += p.sizes[k++])
    out += (k ? ", " : "") + to_string(std::accumulate(counts.begin() + long(begin),
                                                       counts.begin() + long(begin + p.sizes[k]),
                                                       exact(0)));
  return "(" + out + ")";
}

std::string two_micro_batches_with_different_counts(const partitioned_problem &p, const verdict &) {
  if (p.sizes.size() != 2 || p.batch_size() > 3)
    return "expected two micro-batches of at most three targets in all, got sizes " +
           tuple_string(p.sizes);
  const std::string c = micro_batch_counts(p);
  const auto comma = c.find(", ");
  if (c.substr(1, comma - 1) == c.substr(comma + 2, c.size() - comma - 3))
    return "expected micro-batches with different labelled counts, got " + c;
  return "";
}

/// Micro-batches of equal size with no ignored target (and no class weights): every micro-batch
/// has the same count.
rc::Gen<partitioned_problem> equal_token_splits(const variant &v) {
  return rc::gen::exec([v] {
    problem p = *gen::problems(loss_options(v, unweighted_class_losses(), false));
    std::vector<std::size_t> divisors;
    for (std::size_t k = 1; k <= p.batch_size(); ++k)
      if (p.batch_size() % k == 0) divisors.push_back(k);
    const std::size_t k = *rc::gen::elementOf(divisors);
    std::vector<std::size_t> sizes(k, p.batch_size() / k); // before p is moved
    return partitioned_problem{std::move(p), std::move(sizes)};
  });
}

const bool global_count = register_law(
    make_law<gradient_subject, partitioned_problem>(
        {.name = "token_global_count",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "accumulating each micro-batch's summed token loss divided by the global count "
                  "(Σ w of the labelled targets of the whole batch, taken before the first "
                  "backward) gives the gradient of the loss's own mean over the batch, for every "
                  "split, ignored target and class weight",
         .formula = "Σ_k ∇ (Σ_{i∈k} L_i) / Ω = ∇ Σ_i L_i / Ω,   Ω = Σ_i w_{y_i} (labelled)",
         .lhs = "accumulated micro-batch sums ÷ the global count",
         .rhs = "batched backprop of the loss's own mean",
         .explanation = "every labelled target has coefficient 1/Ω on both sides and an ignored "
                        "one adds nothing (the left side gives it coefficient 0: a loss that "
                        "trains on ignored positions fails here)",
         .domain = {.activations = few_activations(),
                    .rungs = every_rung,
                    .losses = any_class_losses(),
                    .hands_framework_mean = true}},
        split_tokens(any_class_losses(), true),
        []<class T>(const gradient_subject &g, const partitioned_problem &p) -> sides<T> {
          const exact omega = total(counts_of(p));
          return {accumulated<T>(g, p, [&](std::size_t, const exact &) { return 1 / omega; }),
                  full_batch_mean<T>(g, p)};
        }),
    builtin_gradient_subject);

const bool micro_means = register_fallacy(
    make_fallacy<gradient_subject, partitioned_problem>(
        {.name = "token_mean_of_micro_batch_means",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "with an ignore index, the mean over micro-batches of each micro-batch's own "
                  "token mean is the token mean of the accumulated batch",
         .formula = "(1/K) Σ_k ∇ (Σ_{i∈k} L_i) / T_k = ∇ Σ_i L_i / T",
         .lhs = "mean of the micro-batches' own means",
         .rhs = "batched backprop of the loss's own mean",
         .expected_shape = "two micro-batches whose labelled counts differ, at most three targets "
                           "in all",
         .explanation = "wrong weights: a labelled target of micro-batch k gets 1/(K·T_k), so "
                        "targets in micro-batches with fewer labels (more padding, more ignored "
                        "tokens) count more; a micro-batch with none is skipped and still counts "
                        "in K. Right: divide each micro-batch's summed loss by the global count T "
                        "(token_global_count), as Hugging Face's num_items_in_batch does since "
                        "October 2024. The two agree when every micro-batch has the same count "
                        "(boundary law token_equal_micro_batch_counts).",
         .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
        split_tokens(unweighted_class_losses(), true),
        []<class T>(const gradient_subject &g, const partitioned_problem &p) -> sides<T> {
          const exact k_inv = exact(1) / exact(static_cast<long>(p.sizes.size()));
          return {accumulated<T>(g, p, [&](std::size_t, const exact &own) { return k_inv / own; }),
                  full_batch_mean<T>(g, p)};
        },
        two_micro_batches_with_different_counts),
    {.name = "token_equal_micro_batch_counts",
     .claim = "when every micro-batch has the same number of labelled targets (none ignored, equal "
              "sizes), the mean of the micro-batches' own means is the token mean",
     .formula = "T_k = T/K for every k  ⇒  (1/K) Σ_k ∇ (Σ_{i∈k} L_i) / T_k = ∇ Σ_i L_i / T",
     .explanation = "1/(K·T_k) = 1/T for every target",
     .cases = equal_token_splits,
     .domain = {.activations = few_activations(),
                    .rungs = every_rung, .for_users = false}},
    builtin_gradient_subject);

// ---------------------------------------------------------------------------------------------
// Label smoothing and ignored positions

const selection<loss> &smoothed_losses() {
  static const auto s = selection<loss>::named({"cross_entropy_smoothed"});
  return s;
}

/// The smoothed loss's own mean, and the same with the smoothing term ε·(-1/C Σ_j log p_j)
/// also at every ignored position (still ÷ the labelled count).
template <class T> sides<T> smoothing_sides(const gradient_subject &g, const problem &p) {
  if constexpr (is_exact_v<T>) {
    throw unsupported_rung_error("label smoothing takes a log-softmax: use the high rung");
  } else {
    const auto l = lift<T>(p);
    const exact eps(1, 10); // cross_entropy_smoothed's ε
    const std::vector<exact> counts = counts_of(p);
    const exact t = total(counts);
    const std::size_t classes = p.m.output_dim();
    const model uniform = p.m.with_loss(find_loss("softmax_ce"));
    const mat<T> u = mat<T>::Constant(Eigen::Index(classes), l.x.cols(),
                                      from_exact<T>(exact(1) / exact(static_cast<long>(classes))));
    vec<T> spread = full_batch_mean<T>(g, p);
    for (std::size_t i = 0; i < counts.size(); ++i)
      if (p.m.objective_loss().ignores(vec<exact>(p.y.col(Eigen::Index(i)))))
        spread += from_exact<T>(eps / t) *
                  example_gradient<T>(uniform, l.theta, l.x, u, Eigen::Index(i), on<T>(g));
    return {full_batch_mean<T>(g, p), spread};
  }
}

std::string some_target_ignored(const problem &p, const verdict &) {
  for (Eigen::Index i = 0; i < p.y.cols(); ++i)
    if (p.m.objective_loss().ignores(vec<exact>(p.y.col(i)))) return "";
  return "expected an ignored target";
}

const bool smoothing = register_fallacy(
    make_fallacy<gradient_subject, problem>(
        {.name = "label_smoothing_on_ignored",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "label smoothing may spread its ε over every position, the ignore index only "
                  "dropping the one-hot part",
         .formula = "∇ Σ_{labelled} L^ε_i / T = ∇ (Σ_{labelled} L^ε_i + Σ_{ignored} ε·(-1/C) "
                    "Σ_j log p_ij) / T",
         .lhs = "batched backprop of the smoothed loss's own mean",
         .rhs = "the same with the smoothing term at ignored positions too",
         .expected_shape = "a batch with an ignored target whose logits are not uniform",
         .explanation = "wrong mask: the smoothing term -(ε/C) Σ_j log p_j pulls an ignored "
                        "position's logits towards the uniform distribution, so padding trains "
                        "the model. Right: mask the whole loss, smoothing term included, at "
                        "ignored positions (PyTorch's cross_entropy does). They agree when no "
                        "target is ignored (boundary law smoothing_without_ignored).",
         .domain = {.activations = few_activations(),
                    .rungs = {rung::high, rung::machine},
                    .for_users = false}},
        problems_of(smoothed_losses()),
        []<class T>(const gradient_subject &g, const problem &p) { return smoothing_sides<T>(g, p); },
        some_target_ignored),
    {.name = "smoothing_without_ignored",
     .claim = "when no target is ignored, spreading the smoothing over ignored positions changes "
              "nothing",
     .formula = "no ignored target  ⇒  both objectives are Σ_i L^ε_i / N",
     .explanation = "there is no ignored position to smooth",
     .cases = problems_of(smoothed_losses(), false),
     .domain = {.activations = few_activations(),
                    .rungs = {rung::high, rung::machine},
                    .for_users = false}},
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
