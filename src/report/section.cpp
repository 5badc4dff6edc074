// One run as a document section: what Markdown (render_markdown) and HTML show of a
// counterexample or a failure.

#include "detail/compose.hpp"
#include "detail/words.hpp"

#include "gradlaws/error.hpp"
#include "gradlaws/svg.hpp"

namespace gradlaws::detail {

namespace {

paragraph labelled(const std::string &label, spans text) {
  text.insert(text.begin(), {strong(label), plain(" ")});
  return {std::move(text)};
}

/// The shrunk case's named facts, both sides, the difference, the verdict and the certificate.
table sides_table(const run_result &r) {
  table t{.header = {{}, {}}, .numeric = {false, false}, .rows = {}};
  const auto row = [&](std::string name, std::string value) {
    t.rows.push_back({{plain(std::move(name))}, {plain(std::move(value))}});
  };
  for (const auto &[name, value] : r.details) row(name, value);
  if (r.found) {
    const verdict &v = *r.found;
    row(v.lhs_name, v.lhs_text());
    row(v.rhs_name, v.rhs_text());
    row("difference (left − right)", v.difference_text());
    row("verdict", std::string(to_string(v.kind)) + " on the " + v.rung_name() + " rung");
    if (v.distance) row("distance", v.distance_text());
    row("tolerance", v.tolerance_text());
    if (!v.evidence_text().empty()) row("evidence", v.evidence_text());
  }
  if (r.certificate)
    row("certificate", std::string(to_string(r.certificate->kind)) + ": " + r.certificate->evidence_text());
  return t;
}

} // namespace

document result_section(const run_result &r, timings t) {
  document d;
  spans title{plain(std::string(to_string(r.kind)) + " "), code(r.entry),
              plain(" [" + r.variant + "]: ")};
  if (r.passed)
    title.push_back(plain(std::string(status_word(r)) + (r.kind == entry_kind::fallacy ? " (as expected)" : "")));
  else
    title.push_back(strong("FAIL"));
  d.push_back(heading{3, std::move(title)});
  d.push_back(labelled("Claim.", {plain(r.claim)}));
  d.push_back(labelled("Formula.", {formula_code(r.formula)}));
  d.push_back(labelled("Outcome.", {plain(outcome_words(r) + " (seed " + std::to_string(r.seed) +
                                          (t == timings::shown ? ", " + seconds_string(r.seconds) : "") +
                                          ").")}));
  if (!r.message.empty() && r.status != run_status::held) d.push_back(labelled("Message.", {plain(r.message)}));
  if (!r.counterexample.empty()) {
    d.push_back(paragraph{{strong("Shrunk counterexample.")}});
    d.push_back(code_block{"text", r.counterexample + "\n"});
  }
  if (r.found || !r.details.empty()) d.push_back(sides_table(r));
  if (r.kind == entry_kind::fallacy) {
    d.push_back(labelled("Expected shape.", {plain(r.expected_shape)}));
    if (!r.shape_problem.empty()) d.push_back(labelled("Shape problem.", {plain(r.shape_problem)}));
  }
  if (!r.explanation.empty()) d.push_back(labelled("Why.", {plain(r.explanation)}));
  if (!r.reproduce.empty()) d.push_back(labelled("Reproduce.", {code(r.reproduce + " " + rerun_command(r))}));
  if (!r.regression.empty()) d.push_back(folded_code{"Regression test", {"cpp", r.regression}});
  return d;
}

drawn_figures draw_figures(const run_result &r) {
  drawn_figures out;
  for (const figure &f : r.figures) {
    try {
      out.pictures.push_back({r.test_name + "." + f.name + ".svg", f.title, render_svg(f)});
    } catch (const error &e) { // a picture that cannot be drawn is named, not dropped silently
      out.problems.push_back("Picture \"" + f.title + "\" unavailable: " + e.what());
    }
  }
  return out;
}

} // namespace gradlaws::detail
