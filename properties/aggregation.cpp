// Loss-aggregation modes of sequence and RL fine-tuning code (gradlaws/aggregation.hpp), split
// into micro-batches (or ranks) of whole sequences: which give the whole batch's gradient when
// each micro-batch aggregates its own sequences and the results are combined as training code
// does (laws), and which do not (fallacies, with shrunk splits).

#include "cases.hpp"

#include <gradlaws/aggregation.hpp>

#include <numeric>

namespace gradlaws::props {
namespace {

/// A batch of tokens (each an example with a class-index target, ignored or labelled) in
/// sequences of `lengths` tokens, split into micro-batches of `parts` whole sequences, under an
/// aggregation mode.
struct sequence_split : problem {
  std::vector<std::size_t> lengths, parts;
  const aggregation_mode *mode = nullptr;
  std::string describe() const {
    return problem::describe() + "\nmode   " + mode->name + ": J = " + mode->formula +
           "\nseqs   token counts " + tuple_string(lengths) + "\nsplit  sequences per micro-batch " +
           tuple_string(parts);
  }
  std::vector<bool> labelled(std::size_t begin, std::size_t count) const {
    std::vector<bool> out;
    for (std::size_t i = begin; i < begin + count; ++i)
      out.push_back(!m.objective_loss().ignores(vec<exact>(y.col(Eigen::Index(i)))));
    return out;
  }
};

selection<activation> two_activations() { return selection<activation>::named({"identity", "tanh"}); }

/// Exact (nll), high, and the machine rung in double and float.
const std::vector<rung> every_rung{rung::exact, rung::high, rung::machine};

const selection<loss> &token_losses() {
  static const auto s = selection<loss>::where("with class-index targets and no class weights",
                                               [](const loss &l) {
                                                 return l.info().target == target_kind::class_index &&
                                                        l.class_weight(1, 2) == 1;
                                               });
  return s;
}

/// `equal`: every sequence of the same length and no target ignored. `min_tokens`: at least
/// that many tokens (3 for a fallacy, whose witness needs two sequences of different lengths).
case_generator<sequence_split> sequence_splits(std::vector<std::string> modes, bool equal,
                                               std::size_t min_tokens = 1) {
  return [modes, equal, min_tokens](const variant &v) {
    return rc::gen::exec([v, modes, equal, min_tokens] {
      gen::problem_options o = options_for(v);
      o.losses = o.losses & token_losses();
      o.class_targets = true;
      o.ignored_targets = !equal;
      o.max_batch = 5;
      o.min_batch = min_tokens;
      o.min_output = 2; // one class has no gradient
      problem p = *gen::problems(o);
      std::vector<std::size_t> lengths;
      if (equal) {
        std::vector<std::size_t> divisors;
        for (std::size_t k = 1; k <= p.batch_size(); ++k)
          if (p.batch_size() % k == 0) divisors.push_back(k);
        const std::size_t each = *rc::gen::elementOf(divisors);
        lengths.assign(p.batch_size() / each, each);
      } else {
        lengths = *gen::partition(p.batch_size());
      }
      std::vector<std::size_t> parts = *gen::partition(lengths.size());
      const aggregation_mode *mode = &find_aggregation(*rc::gen::elementOf(modes));
      return sequence_split{std::move(p), std::move(lengths), std::move(parts), mode};
    });
  };
}

/// The micro-batches' gradients combined as the mode's training code does, against the whole
/// batch's.
template <class T> sides<T> split_sides(const gradient_subject &g, const sequence_split &c) {
  const auto l = lift<T>(c);
  const aggregation_mode &mode = *c.mode;
  const vec<T> whole = g.on<T>()(c.m, l.theta, l.x, l.y,
                                 reduction::given(mode.coefficients(c.lengths, c.labelled(0, c.batch_size()))));
  vec<T> split = vec<T>::Constant(l.theta.size(), T(0));
  std::size_t sequence = 0, token = 0;
  for (std::size_t k = 0; k < c.parts.size(); ++k) {
    const std::vector<std::size_t> lengths(c.lengths.begin() + long(sequence),
                                           c.lengths.begin() + long(sequence + c.parts[k]));
    const std::size_t tokens = std::accumulate(lengths.begin(), lengths.end(), std::size_t(0));
    const std::vector<bool> labelled = c.labelled(token, tokens);
    if (std::find(labelled.begin(), labelled.end(), true) != labelled.end()) {
      std::vector<exact> coefficients = mode.coefficients(lengths, labelled);
      if (mode.combine == aggregation_mode::combination::sequence_share)
        for (exact &q : coefficients) q *= exact(long(c.parts[k]), long(c.lengths.size()));
      split += g.on<T>()(c.m, l.theta, slice(l.x, token, tokens), slice(l.y, token, tokens),
                         reduction::given(coefficients));
    } // a micro-batch without a labelled token adds nothing
    sequence += c.parts[k];
    token += tokens;
  }
  return {split, whole};
}

inline constexpr auto split_law_sides = []<class T>(const gradient_subject &g, const sequence_split &c) {
  return split_sides<T>(g, c);
};

/// Each micro-batch's labelled tokens per sequence, "(1/1, 2/1)", or the widths "(1, 2)".
template <class Of> std::string per_part(const sequence_split &c, Of of) {
  std::string out;
  std::size_t sequence = 0, token = 0;
  for (std::size_t k = 0; k < c.parts.size(); ++k) {
    const std::vector<std::size_t> lengths(c.lengths.begin() + long(sequence),
                                           c.lengths.begin() + long(sequence + c.parts[k]));
    const std::size_t tokens = std::accumulate(lengths.begin(), lengths.end(), std::size_t(0));
    out += (k ? ", " : "") + of(lengths, c.labelled(token, tokens));
    sequence += c.parts[k];
    token += tokens;
  }
  return "(" + out + ")";
}

std::string tokens_per_sequence(const sequence_split &c) {
  return per_part(c, [](const std::vector<std::size_t> &lengths, const std::vector<bool> &labelled) {
    return to_string(exact(long(std::count(labelled.begin(), labelled.end(), true)), long(lengths.size())));
  });
}
std::string widths(const sequence_split &c) {
  return per_part(c, [](const std::vector<std::size_t> &lengths, const std::vector<bool> &) {
    return std::to_string(*std::max_element(lengths.begin(), lengths.end()));
  });
}

/// "" when the witness's micro-batches do not all have the same `what` (per_part's values).
std::string parts_differing(const sequence_split &c, const std::string &values,
                            const std::string &what) {
  if (c.parts.size() < 2) return "expected two micro-batches or more, got one";
  std::vector<std::string> each;
  for (std::size_t at = 1, next; at < values.size(); at = next + 2) {
    next = values.find(", ", at);
    if (next == std::string::npos) next = values.size() - 1;
    each.push_back(values.substr(at, next - at));
  }
  if (std::all_of(each.begin(), each.end(), [&](const std::string &v) { return v == each[0]; }))
    return "expected micro-batches with different " + what + ", got " + values;
  return "";
}

const bool invariant = register_law(
    make_law<gradient_subject, sequence_split>(
        {.name = "aggregation_split_invariance",
         .kind = entry_kind::law,
         .family = "loss conventions",
         .claim = "seq_mean_token_sum and seq_mean_token_mean with each micro-batch's loss scaled "
                  "by its share of the sequences, and a fixed denominator with the micro-batches "
                  "summed, give the whole batch's gradient for every split into micro-batches or "
                  "ranks of whole sequences",
         .formula = "Σ_k (S_k/S) ∇J(part k) = ∇J(batch)   (Σ_k ∇J(part k) for a fixed denominator)",
         .lhs = "micro-batches aggregated on their own, combined",
         .rhs = "the whole batch aggregated",
         .explanation = "each mode is a mean over sequences of a per-sequence quantity, or a sum "
                        "over a constant: the split only regroups the terms",
         .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
        sequence_splits({"seq_mean_token_sum", "seq_mean_token_mean", "fixed_denominator"}, false),
        split_law_sides),
    builtin_gradient_subject);

const bool token_mean_split = register_fallacy(
    make_fallacy<gradient_subject, sequence_split>(
        {.name = "token_mean_split",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "a token-mean loss computed per micro-batch and scaled by the micro-batch's share "
                  "of the sequences gives the whole batch's token mean",
         .formula = "Σ_k (S_k/S) ∇ (Σ_{t∈k} L_t / T_k) = ∇ Σ_t L_t / T",
         .lhs = "micro-batches' token means, scaled by S_k/S",
         .rhs = "the whole batch's token mean",
         .expected_shape = "micro-batches whose labelled tokens per sequence differ (at best "
                           "two micro-batches of one sequence each, of one and two tokens)",
         .explanation = "wrong weights: a token of micro-batch k gets S_k/(S·T_k), which is 1/T only "
                        "when every micro-batch has T_k/S_k = T/S labelled tokens per sequence. "
                        "Right: divide every micro-batch's summed loss by the global token count "
                        "(token_global_count), or use a sequence-mean mode (aggregation_split_"
                        "invariance). They agree when every sequence has the same number of "
                        "labelled tokens (boundary law token_mean_equal_sequences).",
         .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
        sequence_splits({"token_mean"}, false, 3), split_law_sides,
        [](const sequence_split &c, const verdict &) {
          return parts_differing(c, tokens_per_sequence(c), "labelled tokens per sequence");
        }),
    {.name = "token_mean_equal_sequences",
     .claim = "when every sequence has the same length and no token is ignored, the micro-batches' "
              "token means scaled by their share of the sequences give the token mean",
     .formula = "T_s = T/S for every s  ⇒  Σ_k (S_k/S) ∇ (Σ_{t∈k} L_t / T_k) = ∇ Σ_t L_t / T",
     .explanation = "T_k = S_k·T/S, so S_k/(S·T_k) = 1/T",
     .cases = sequence_splits({"token_mean"}, true),
     .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
    builtin_gradient_subject);

const bool sum_norm = register_fallacy(
    make_fallacy<gradient_subject, sequence_split>(
        {.name = "sum_norm_dynamic_width",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "seq_mean_token_sum_norm, dividing by the padded width of each micro-batch, gives "
                  "the whole batch's gradient when the micro-batches are summed",
         .formula = "Σ_k ∇ (Σ_{t∈k} L_t / H_k) = ∇ Σ_t L_t / H",
         .lhs = "micro-batches' sums ÷ their own padded width, summed",
         .rhs = "the whole batch's sum ÷ its padded width",
         .expected_shape = "micro-batches whose longest sequences differ (at best two "
                           "micro-batches of one sequence each, of one and two tokens)",
         .explanation = "wrong constant: with dynamic padding each micro-batch is as wide as its "
                        "longest sequence, so H_k changes with the split. Right: a fixed H for the "
                        "whole run (verl's loss_scale_factor; fixed_denominator). They agree when "
                        "every sequence has the same length (boundary law sum_norm_equal_widths).",
         .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
        sequence_splits({"seq_mean_token_sum_norm"}, false, 3), split_law_sides,
        [](const sequence_split &c, const verdict &) {
          return parts_differing(c, widths(c), "padded widths");
        }),
    {.name = "sum_norm_equal_widths",
     .claim = "when every sequence has the same length, the micro-batches' sums over their "
              "padded width add up to the whole batch's",
     .formula = "H_k = H for every k  ⇒  Σ_k ∇ (Σ_{t∈k} L_t / H_k) = ∇ Σ_t L_t / H",
     .explanation = "every micro-batch divides by the same H",
     .cases = sequence_splits({"seq_mean_token_sum_norm"}, true),
     .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
    builtin_gradient_subject);

// ---------------------------------------------------------------------------------------------
// The causal-LM label shift

/// One or two sequences of 2 or 3 tokens, every position labelled but, when `shifted`, the last
/// of each sequence (the labels are the inputs shifted by one: the last position has none).
case_generator<sequence_split> shifted_sequences(bool shifted) {
  return [shifted](const variant &v) {
    return rc::gen::exec([v, shifted] {
      const std::size_t s = *gen::count(1, 2);
      std::vector<std::size_t> lengths;
      for (std::size_t k = 0; k < s; ++k) lengths.push_back(*gen::count(2, 3));
      const std::size_t n = std::accumulate(lengths.begin(), lengths.end(), std::size_t(0));
      gen::problem_options o = options_for(v);
      o.losses = o.losses & token_losses();
      o.class_targets = true;
      o.ignored_targets = false;
      o.min_output = 2;
      o.min_batch = o.max_batch = n;
      problem p = *gen::problems(o);
      const loss &l = p.m.objective_loss();
      std::size_t end = 0;
      for (std::size_t len : lengths)
        if (end += len; shifted) p.y(0, Eigen::Index(end - 1)) = exact(*l.ignore_label());
      return sequence_split{std::move(p), std::move(lengths), {s}, &find_aggregation("token_mean")};
    });
  };
}

/// Σ L_t divided by every position (the tokens counted before the shift), against the loss's
/// own mean over the labels.
template <class T> sides<T> shift_sides(const gradient_subject &g, const sequence_split &c) {
  const auto l = lift<T>(c);
  const std::vector<bool> labelled = c.labelled(0, c.batch_size());
  std::vector<exact> coefficients;
  for (bool b : labelled) coefficients.push_back(b ? exact(1, long(c.batch_size())) : exact(0));
  return {g.on<T>()(c.m, l.theta, l.x, l.y, reduction::given(coefficients)),
          g.on<T>()(c.m, l.theta, l.x, l.y, reduction::framework_mean())};
}

const bool before_shift = register_fallacy(
    make_fallacy<gradient_subject, sequence_split>(
        {.name = "token_count_before_shift",
         .kind = entry_kind::fallacy,
         .family = "loss conventions",
         .claim = "a causal language model's token mean may divide by the tokens counted before the "
                  "label shift (the attention mask), one more per sequence than there are labels",
         .formula = "∇ Σ_{labelled t} L_t / (T + S) = ∇ Σ_{labelled t} L_t / T   (T + S positions)",
         .lhs = "Σ L_t ÷ the count before the shift",
         .rhs = "the loss's own mean over the labels",
         .expected_shape = "one sequence: the sides differ by the factor T/(T + 1)",
         .explanation = "wrong count: shifting the labels by one leaves the last position of "
                        "every sequence without a label, so a count taken from the inputs (or "
                        "the attention mask) has S more tokens than there are labels and shrinks "
                        "the gradient by T/(T+S). Right: count the labels that are not ignored, "
                        "after the shift (Hugging Face Transformers changed its causal-LM count "
                        "to the shifted labels in 2026). The counts agree only when every position "
                        "has a label, as in token classification without a shift (boundary law "
                        "token_count_without_shift).",
         .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
        shifted_sequences(true),
        []<class T>(const gradient_subject &g, const sequence_split &c) { return shift_sides<T>(g, c); },
        [](const sequence_split &c, const verdict &) -> std::string {
          return c.lengths.size() == 1 ? "" : "expected one sequence, got " + tuple_string(c.lengths);
        }),
    {.name = "token_count_without_shift",
     .claim = "when every position has a label (no shift, no padding), dividing by the positions is "
              "the loss's own mean",
     .formula = "every position labelled  ⇒  ∇ Σ_t L_t / positions = ∇ Σ_t L_t / T",
     .explanation = "the positions are the labels",
     .cases = shifted_sequences(false),
     .domain = {.activations = two_activations(), .rungs = every_rung, .for_users = false}},
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
