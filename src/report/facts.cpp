// The facts of a report, computed once from the results; and the report's fixed words (the
// parts of the catalogue, the glossary) as tables.

#include "detail/facts.hpp"
#include "detail/words.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace gradlaws::detail {

namespace {

/// Adds "60 exactly equal, 40 equal to working precision" into the verdict counts.
void add_tally(entry_facts &e, const std::string &tally) {
  std::size_t at = 0;
  while (at < tally.size()) {
    std::size_t end = tally.find(", ", at);
    if (end == std::string::npos) end = tally.size();
    const std::string item = tally.substr(at, end - at);
    const std::size_t space = item.find(' ');
    if (space != std::string::npos) {
      const long n = std::atol(item.c_str());
      const std::string words = item.substr(space + 1);
      auto it = std::find_if(e.verdicts.begin(), e.verdicts.end(),
                             [&](const auto &v) { return v.first == words; });
      if (it == e.verdicts.end()) e.verdicts.emplace_back(words, n);
      else it->second += n;
    }
    at = end + 2;
  }
}

std::string variants_word(std::size_t n) { return n == 1 ? "variant" : "variants"; }

} // namespace

std::string entry_facts::verdict_counts() const {
  std::string s;
  for (const auto &[words, n] : verdicts) s += (s.empty() ? "" : ", ") + grouped(n) + " " + words;
  return s;
}

spans entry_facts::outcome() const {
  const std::size_t n = variants.size();
  const bool fallacy = result().kind == entry_kind::fallacy;
  if (all_passed()) {
    const std::string all = n == 1   ? (fallacy ? "refuted" : "held on its one variant")
                            : n == 2 ? std::string(fallacy ? "refuted" : "held") + " on both variants"
                                     : std::string(fallacy ? "refuted" : "held") + " on all " +
                                           std::to_string(n) + " " + variants_word(n);
    return {plain(all + (fallacy ? ", as expected" : ""))};
  }
  std::string failed = ":";
  for (const auto *v : variants)
    if (!v->result.passed) failed += " " + v->result.variant;
  return {plain(std::string(fallacy ? "refuted as expected on " : "held on ") + std::to_string(passed) +
                " of " + std::to_string(n) + " " + variants_word(n) + "; "),
          strong("FAILED"), plain(failed)};
}

const entry_facts *report_facts::find(const std::string &name) const {
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto &e) { return e.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

report_facts facts_of(const std::vector<report_input> &inputs) {
  report_facts f;
  std::map<std::string, std::size_t> index;
  f.variants = inputs.size();
  for (const report_input &in : inputs) {
    const run_result &r = in.result;
    f.passed += r.passed;
    f.seconds += r.seconds;
    const auto [it, fresh] = index.try_emplace(r.entry, f.entries.size());
    if (fresh) f.entries.push_back({.name = r.entry, .first = &in});
    entry_facts &e = f.entries[it->second];
    e.variants.push_back(&in);
    e.passed += r.passed;
    if (r.kind != entry_kind::fallacy && r.status == run_status::held) {
      e.cases += r.cases;
      f.law_cases += r.cases;
      add_tally(e, r.tally);
    }
    if (r.kind == entry_kind::fallacy && r.passed && !r.counterexample.empty()) {
      const std::string w = one_line_case(r);
      if (!e.witness || w.size() < e.witness_text.size()) e.witness = &in, e.witness_text = w;
    }
  }
  for (const entry_facts &e : f.entries) {
    if (e.result().kind == entry_kind::fallacy) f.fallacy_entries += 1, f.fallacies_refuted += e.all_passed();
    else f.law_entries += 1, f.laws_held += e.all_passed();
  }
  return f;
}

const std::vector<catalogue_part> &catalogue_parts() {
  static const std::vector<catalogue_part> p{
      {"Linearity: the gradient of an average is the average of the gradients",
       {plain("Differentiation is linear, so every way of weighting, scaling, reordering or splitting "
              "per-example losses that keeps "),
        formula("J = Σ c_i L_i"), plain(" keeps "), formula("∇J = Σ c_i ∇L_i"), plain(".")},
       {"linearity", "invariance", "reductions", "weighting", "upstream"}},
      {"Averaging before the nonlinearity",
       {plain("Averaging the inputs, the pre-activations or the output errors first and differentiating "
              "after is a different computation: it equals the average of the gradients only where "
              "the averaged quantity enters affinely (the boundary laws).")},
       {"averaging before the nonlinearity", "averaging before the model"}},
      {"The training pipeline",
       {plain("Gradient accumulation, data-parallel replicas, per-token losses and strategies that "
              "split a batch are correct exactly when each example keeps its weight in the sum; "
              "batch-coupled layers (BatchNorm) break the per-example view itself.")},
       {"accumulation", "data parallel", "tokens", "strategies", "batch coupling"}},
      {"Loss conventions: which mean",
       {plain("A framework's \"mean\" is a convention: gradlaws's J divides the per-example losses "
              "(each a sum over its outputs) by the N examples, PyTorch's mse_loss by the N·d output "
              "elements, its cross_entropy by Σ w of the labelled targets' classes, ignored ones "
              "excluded; sequence and RL fine-tuning code aggregates tokens per sequence or by a "
              "constant. Each law says which conventions agree on every batch and split; each "
              "fallacy, which do not.")},
       {"loss conventions"}},
      {"Floating point",
       {plain("In double and float the two sides are different roundings of the same number: equal up "
              "to rounding, not bit for bit.")},
       {"floating point"}},
      {"The training step: clipping, the optimizer and half precision",
       {plain("After the gradient come operations that are not linear in it. Clipping by the norm is "
              "the identity inside the ball of radius C and a projection onto its sphere outside, so "
              "clipping each example (DP-SGD) or each micro-batch and then averaging is not clipping "
              "the average, and clipping a scaled gradient clips the true one at C/S; each agrees "
              "with the other order where nothing is clipped. SGD is affine in the gradient, so its "
              "step on the accumulated gradient is the mean of its steps; Adam's is not, and without "
              "ε Adam does not see the gradient's scale: a wrong 1/N in the loss is nearly invisible "
              "to it and plain to SGD. A step per micro-batch is not one step on their union: each "
              "step moves θ before the next gradient is taken, which matters unless the gradient "
              "does not depend on θ. In bfloat16 and float16 every sum is rounded to 8 or 11 "
              "significant bits: micro-batch gradients accumulated in a float buffer stay within "
              "their own rounding of the full-batch gradient, and accumulated in their own format "
              "they leave it from a few micro-batches on.")},
       {"the training step"}},
  };
  return p;
}

std::size_t part_of(const std::string &family) {
  const auto &parts = catalogue_parts();
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (std::find(parts[i].families.begin(), parts[i].families.end(), family) != parts[i].families.end())
      return i;
  return parts.size();
}

const std::vector<spans> &glossary() {
  static const std::vector<spans> g{
      {strong("law"), plain(": an identity that must hold on every generated case (a model, a batch, an "
                            "activation and a loss drawn at random).")},
      {strong("fallacy"), plain(": a plausible identity that is false; gradlaws must find a counterexample, "
                                "shrink it, and find it in the expected shape.")},
      {strong("boundary law"), plain(": the condition under which a fallacy's equality is restored (σ′ affine, "
                                     "equal micro-batch sizes, …), checked as a law.")},
      {strong("variant"), plain(": one instantiation of an entry: an activation, a model family or a strategy "
                                "on one rung.")},
      {strong("rung"), plain(": the arithmetic a case is judged in. "), em("exact"),
       plain(": rational numbers, equality is "), code("=="), plain("; "), em("high"),
       plain(": MPFR at the working precision, equal when the two sides agree to that precision and again "
             "with 25 more digits; "),
       em("machine"), plain(": double and float, as the code under test computes them; equal up to rounding "
                            "when the two sides differ by no more than the sum of their rounding-error bounds, "
                            "in which each elementwise function is the code's own (a framework's GELU that is "
                            "31 ulp off is named, not called a bug); each side's distance from the exact value "
                            "is reported as its accuracy.")},
      {strong("shrink"), plain(": after a counterexample is found, gradlaws tries smaller and simpler inputs "
                               "(fewer examples, smaller integers) while the claim still fails; the "),
       strong("shrunk counterexample"), plain(" (the witness) is the smallest it reached.")},
      {strong("seed"), plain(": the random seed of a run; the same seed gives the same cases and the same "
                             "report.")},
      {strong("loss"), plain(": a loss sums over its outputs ("), formula("L_i = Σ_j (y_ij − ŷ_ij)²"),
       plain(" for MSE) and the objective averages over the examples ("), formula("J = (1/N) Σ_i L_i"),
       plain("), so gradlaws's MSE gradient is d_out times that of PyTorch's default "), code("mse_loss"),
       plain(", which averages over all N·d_out elements. A class-index loss ("), code("cross_entropy"),
       plain(", "), code("nll"), plain(") takes one label per example, and an ignored label (-100) has no loss; "
             "the loss's own mean, "), code("reduction::framework_mean()"),
       plain(", divides as its framework does: by N·d elements for MSE, L1, Huber and BCE, by Σ w of the "
             "targets' classes (ignored ones excluded) for cross-entropy. "), code("gradlaws list losses"),
       plain(" names each loss's convention.")},
      {strong("softplus"), plain(": "), formula("log(1 + e^z)"),
       plain(" computed exactly, with no threshold (PyTorch's softplus returns z above z = 20).")},
      {strong("BatchNorm of a batch of one"),
       plain(": one example has no variance, so with ε > 0 every value normalises to 0 (the output is β); "
             "with ε = 0 it is an error, and PyTorch refuses it in training mode.")},
  };
  return g;
}

} // namespace gradlaws::detail
