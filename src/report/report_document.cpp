// The whole report as one document, composed from the facts: the answer to the question first,
// then the catalogue by family, the glossary, every counterexample in full and every variant.

#include "detail/compose.hpp"
#include "detail/facts.hpp"
#include "detail/words.hpp"

#include <iterator>

namespace gradlaws::detail {

namespace {

/// Appends b to a, so that a sentence is composed in the order it reads.
spans &operator<<(spans &a, spans b) {
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  return a;
}

/// "Yes." and the linearity law's verdict, with the number of cases.
paragraph linearity_answer(const report_facts &f) {
  spans s;
  const entry_facts *e = f.find("linearity");
  if (e && e->all_passed()) s << spans{strong("Yes."), plain(" ")};
  else if (e) s << spans{strong("The linearity law FAILED here"), plain(" (see below). ")};
  s << spans{plain("Differentiation is linear, so for per-example losses "), formula("L_i(θ)"),
             plain(" the gradient of the mean "), formula("J = (1/N) Σ_i L_i"), plain(" is the mean "),
             formula("(1/N) Σ_i ∇L_i")};
  if (!e) return {s << spans{plain(" (the law "), code("linearity"), plain(", not run here).")}};
  s << spans{plain(". The law "), code("linearity"), plain(" ")} << e->outcome();
  s.push_back(plain(" (activations × rungs): " + grouped(e->cases) +
                    " generated cases (random models, batches and parameters)" +
                    (e->verdicts.empty() ? std::string() : ", " + e->verdict_counts()) + "."));
  return {std::move(s)};
}

/// Each fallacy with its outcome and shortest witness.
bullet_list fallacy_answers(const report_facts &f) {
  bullet_list l;
  for (const entry_facts &e : f.entries) {
    if (e.result().kind != entry_kind::fallacy) continue;
    spans item{code(e.name), plain(": "), formula(e.result().formula), plain(" — ")};
    item << e.outcome();
    std::string witness;
    if (e.witness) {
      const std::string sides = one_line_sides(e.witness->result);
      witness = "; witness: " + capped(e.witness_text, 240) + (sides.empty() ? "" : " ⇒ " + capped(sides, 200));
    }
    item.push_back(plain(witness + "."));
    l.items.push_back(std::move(item));
  }
  if (f.fallacy_entries == 0) l.items.push_back({plain("(no fallacy was run)")});
  return l;
}

void answer(document &d, const report_facts &f, const std::vector<report_input> &inputs,
            const run_options &opt, timings t) {
  d.push_back(heading{2, {plain("The answer")}});
  d.push_back(quote{{plain("Is the gradient of the batch's average loss the same as the average of the "
                           "per-example gradients?")}});
  d.push_back(linearity_answer(f));
  const derivative_gap seed = derivative_gap_of("sigmoid", {0, 1}, 5);
  d.push_back(paragraph{{strong("What is not the same is averaging before a nonlinear step."),
                         plain(" The derivative at the mean is not the mean of the derivatives: for the "
                               "sigmoid and pre-activations z = {0, 1}, σ′(½) ≈ " + seed.at_mean +
                               " but (σ′(0) + σ′(1))/2 ≈ " + seed.mean_of +
                               " (Jensen's gap: σ′ is not affine). Each false identity below was refuted "
                               "by a shrunk counterexample:")}});
  for (const report_input &in : inputs)
    if (in.result.entry == "derivative_at_mean" && in.result.variant == "sigmoid_high")
      if (auto drawn = draw_figures(in.result); !drawn.pictures.empty())
        d.push_back(std::move(drawn.pictures.front()));
  d.push_back(fallacy_answers(f));
  d.push_back(paragraph{{strong("Which mean is a convention."),
                         plain(" Here a loss sums over its outputs and J averages over the N examples; "
                               "a framework's own mean ("), code("reduction::framework_mean()"),
                         plain(") divides by what the framework counts: the N·d elements for PyTorch's "),
                         code("mse_loss"), plain(", Σ w of the labelled targets' classes for its "),
                         code("cross_entropy"),
                         plain(" with an ignore index. The family \"Loss conventions\" below says where "
                               "the two agree; "), code("gradlaws list losses"),
                         plain(" names each loss's convention.")}});
  d.push_back(paragraph{{strong("In all:"),
                         plain(" " + std::to_string(f.laws_held) + " of " + std::to_string(f.law_entries) +
                               " laws and boundary laws held on every variant (" + grouped(f.law_cases) +
                               " generated cases); " + std::to_string(f.fallacies_refuted) + " of " +
                               std::to_string(f.fallacy_entries) +
                               " fallacies were refuted on every variant, as expected. " +
                               std::to_string(f.passed) + " of " + std::to_string(f.variants) +
                               " variants came out as expected.")}});
  d.push_back(paragraph{{plain(
      "Settings: " + std::to_string(opt.cases) + " cases per variant; high rung at " +
      std::to_string(opt.digits) + " digits; seed " +
      (opt.seed ? std::to_string(*opt.seed) : std::string("one per variant (FNV-1a of its test name)")) +
      (t == timings::shown ? "; total time " + seconds_string(f.seconds) : std::string()) + ".")}});
}

table law_table(const std::vector<const entry_facts *> &in_part) {
  table t{.header = {{plain("law")}, {plain("claim")}, {plain("result")}, {plain("cases")}, {plain("verdicts")}},
          .numeric = {false, false, false, true, false},
          .rows = {}};
  for (const entry_facts *e : in_part) {
    if (e->result().kind == entry_kind::fallacy) continue;
    spans label{code(e->name)};
    if (e->result().kind == entry_kind::boundary_law)
      label << spans{plain(" (boundary of "), code(e->first->boundary), plain(")")};
    t.rows.push_back({label, {formula(e->result().formula)}, e->outcome(), {plain(grouped(e->cases))},
                      {plain(e->verdict_counts())}});
  }
  return t;
}

table fallacy_table(const report_facts &f, const std::vector<const entry_facts *> &in_part) {
  table t{.header = {{plain("fallacy")}, {plain("false claim")}, {plain("result")}, {plain("shrunk witness")},
                     {plain("why")}, {plain("boundary law")}},
          .numeric = std::vector<bool>(6, false),
          .rows = {}};
  for (const entry_facts *e : in_part) {
    if (e->result().kind != entry_kind::fallacy) continue;
    const std::string &b = e->first->boundary;
    spans boundary{b.empty() ? plain("—") : code(b)};
    if (const entry_facts *law = f.find(b))
      boundary << (law->all_passed() ? spans{plain(": held")} : spans{plain(": "), strong("FAILED")});
    const std::string &why = e->result().explanation;
    t.rows.push_back({{code(e->name)}, {formula(e->result().formula)}, e->outcome(),
                      {plain(e->witness ? capped(e->witness_text, 240) : "—")}, {plain(why.empty() ? "—" : why)},
                      boundary});
  }
  return t;
}

void catalogue_by_family(document &d, const report_facts &f) {
  d.push_back(heading{2, {plain("The catalogue by family")}});
  const auto &parts = catalogue_parts();
  for (std::size_t k = 0; k <= parts.size(); ++k) {
    std::vector<const entry_facts *> in_part;
    bool any_law = false, any_fallacy = false;
    for (const entry_facts &e : f.entries)
      if (part_of(e.first->family) == k) {
        in_part.push_back(&e);
        (e.result().kind == entry_kind::fallacy ? any_fallacy : any_law) = true;
      }
    if (in_part.empty()) continue;
    if (k < parts.size()) {
      d.push_back(heading{3, {plain(parts[k].title)}});
      d.push_back(paragraph{parts[k].lead});
    } else {
      d.push_back(heading{3, {plain("Other families")}});
    }
    if (any_law) d.push_back(law_table(in_part));
    if (any_fallacy) d.push_back(fallacy_table(f, in_part));
  }
}

table every_variant(const std::vector<report_input> &inputs, timings t) {
  table out{.header = {{plain("entry")}, {plain("kind")}, {plain("variant")}, {plain("result")},
                       {plain("verdict")}, {plain("shrunk counterexample")}},
            .numeric = {},
            .rows = {}};
  if (t == timings::shown) out.header.push_back({plain("time")});
  out.numeric.assign(out.header.size(), false);
  for (const report_input &in : inputs) {
    const run_result &r = in.result;
    std::vector<spans> row{{code(r.entry)}, {plain(std::string(to_string(r.kind)))}, {plain(r.variant)},
                           {r.passed ? plain(std::string(status_word(r))) : strong("FAIL")},
                           {plain(verdict_words(r))}, {plain(one_line_case(r))}};
    if (t == timings::shown) row.push_back({plain(seconds_string(r.seconds))});
    out.rows.push_back(std::move(row));
  }
  return out;
}

} // namespace

document report_document(const std::vector<report_input> &inputs, const run_options &opt, timings t) {
  const report_facts f = facts_of(inputs);
  document d{heading{1, {plain("gradlaws report")}}};
  answer(d, f, inputs, opt, t);
  catalogue_by_family(d, f);
  d.push_back(heading{2, {plain("Glossary")}});
  d.push_back(bullet_list{glossary()});
  d.push_back(heading{2, {plain("Counterexamples and failures")}});
  for (const report_input &in : inputs) {
    const run_result &r = in.result;
    if (r.status != run_status::held || !r.passed)
      for (block &b : result_section(r, t)) d.push_back(std::move(b));
    drawn_figures drawn = draw_figures(r);
    for (const std::string &problem : drawn.problems) d.push_back(paragraph{{em(problem)}});
    for (picture &p : drawn.pictures) d.push_back(std::move(p));
  }
  d.push_back(heading{2, {plain("Every variant")}});
  d.push_back(every_variant(inputs, t));
  return d;
}

} // namespace gradlaws::detail
