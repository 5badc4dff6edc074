#include "gradlaws/report.hpp"

#include "gradlaws/error.hpp"
#include "gradlaws/svg.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <filesystem>
#include <fstream>

namespace gradlaws {

namespace {
/// What follows RC_PARAMS in a reproduce line: the user's own command, or the catalogue's test.
std::string rerun_command(const run_result &r) {
  if (!r.rerun.empty()) return r.rerun;
  return "ctest --test-dir build -R '^" + r.test_name + "$' -V";
}
std::string prefix_lines(const std::string &text, const std::string &pad) {
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string seconds_string(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string outcome_words(const run_result &r) {
  switch (r.status) {
  case run_status::held:
    return r.kind == entry_kind::fallacy
               ? "NOT falsified: no counterexample in " + std::to_string(r.cases) + " cases"
               : "held on " + std::to_string(r.cases) + " cases (" + r.tally + ")";
  case run_status::falsified: {
    std::string s = "falsified after " + std::to_string(r.cases) + " passing cases and " +
                    std::to_string(r.shrinks) + (r.shrinks == 1 ? " shrink" : " shrinks");
    if (r.kind == entry_kind::fallacy)
      s += r.shape_problem.empty() ? ", as expected" : ", but NOT in the expected shape";
    return s;
  }
  case run_status::gave_up: return "gave up: " + r.message;
  case run_status::setup_failure: return "setup failure: " + r.message;
  }
  return "?";
}
} // namespace

std::size_t columns(std::string_view text) {
  // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a code point.
  return std::size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string grouped(long long n) {
  std::string s = std::to_string(n);
  for (int k = int(s.size()) - 3; k > (s.front() == '-' ? 1 : 0); k -= 3) s.insert(std::size_t(k), ",");
  return s;
}

std::string_view status_word(const run_result &r) {
  if (!r.passed) return "FAIL";
  return r.kind == entry_kind::fallacy ? "REFUTED" : "PASS";
}

std::string summary_line(const run_result &r, timings t) {
  return std::string(status_word(r)) + "  " + std::string(to_string(r.kind)) + " " +
         r.entry + " [" + r.variant + "]  " + outcome_words(r) +
         (t == timings::shown ? "  (" + seconds_string(r.seconds) + ")" : std::string());
}

std::string render_text(const run_result &r, timings t) {
  std::string s;
  s += "== " + std::string(to_string(r.kind)) + " " + r.entry + " [" + r.variant + "]: " +
       std::string(status_word(r)) + (r.passed && r.kind == entry_kind::fallacy ? " (as expected)" : "") +
       "\n";
  s += "claim     " + r.claim + "\n";
  s += "formula   " + r.formula + "\n";
  s += "outcome   " + outcome_words(r) + "  (seed " + std::to_string(r.seed) +
       (t == timings::shown ? ", " + seconds_string(r.seconds) : std::string()) + ")\n";
  if (!r.counterexample.empty()) {
    s += "shrunk counterexample\n" + prefix_lines(r.counterexample, "    ") + "\n";
  }
  for (const auto &[name, value] : r.details) s += name + "  " + value + "\n";
  if (r.found) s += "both sides\n" + r.found->to_text();
  if (r.certificate) {
    s += "certificate  " + std::string(to_string(r.certificate->kind)) + ": " +
         r.certificate->evidence_text() + "\n";
  }
  if (r.kind == entry_kind::fallacy) {
    s += "expected shape  " + r.expected_shape + "\n";
    if (!r.shape_problem.empty()) s += "shape problem   " + r.shape_problem + "\n";
  }
  if (!r.explanation.empty()) s += "why       " + r.explanation + "\n";
  if (!r.reproduce.empty())
    s += "reproduce " + r.reproduce + " " + rerun_command(r) + "\n";
  if (!r.regression.empty()) s += "regression test\n" + prefix_lines(r.regression, "    ") + "\n";
  return s;
}

} // namespace gradlaws

namespace gradlaws {

namespace {

std::string json_escape(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += char(c);
      }
    }
  }
  return out;
}

std::string q(const std::string &s) { return "\"" + json_escape(s) + "\""; }

std::string json_verdict(const verdict &v) {
  return "{\"kind\": " + q(std::string(to_string(v.kind))) + ", \"rung\": " + q(v.rung_name()) +
         ", \"lhs_name\": " + q(v.lhs_name) + ", \"lhs\": " + q(v.lhs_text()) + ", \"rhs_name\": " +
         q(v.rhs_name) + ", \"rhs\": " + q(v.rhs_text()) + ", \"difference\": " + q(v.difference_text()) +
         ", \"distance\": " + q(v.distance_text()) + ", \"tolerance\": " + q(v.tolerance_text()) +
         ", \"evidence\": " + q(v.evidence_text()) + "}";
}

// Markdown table cells cannot hold a bare '|' or a newline.
std::string cell(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else out += c;
  }
  return out;
}

std::string verdict_words(const run_result &r) {
  if (r.status == run_status::falsified && r.found) return std::string(to_string(r.found->kind));
  return std::string(to_string(r.status));
}

/// Text on one line: newlines become "; ", runs of spaces one space.
std::string one_line(const std::string &text) {
  std::string s;
  for (char c : text) s += c == '\n' ? std::string("; ") : std::string(1, c);
  std::string squeezed;
  for (char c : s)
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
  return squeezed;
}

/// The shrunk case on one line for the summary table.
std::string one_line_case(const run_result &r) {
  if (r.counterexample.empty()) return r.status == run_status::held ? "—" : r.message;
  return one_line(r.counterexample);
}

} // namespace

std::string render_markdown(const run_result &r, timings t) {
  std::string s;
  s += "### " + std::string(to_string(r.kind)) + " `" + r.entry + "` [" + r.variant + "]: " +
       (r.passed ? std::string(status_word(r)) + (r.kind == entry_kind::fallacy ? " (as expected)" : "")
                 : std::string("**FAIL**")) +
       "\n\n";
  s += "**Claim.** " + r.claim + "\n\n";
  s += "**Formula.** `" + r.formula + "`\n\n";
  s += "**Outcome.** " + outcome_words(r) + " (seed " + std::to_string(r.seed) +
       (t == timings::shown ? ", " + seconds_string(r.seconds) : std::string()) + ").\n\n";
  if (!r.message.empty() && r.status != run_status::held) s += "**Message.** " + r.message + "\n\n";
  if (!r.counterexample.empty())
    s += "**Shrunk counterexample.**\n\n```text\n" + r.counterexample + "\n```\n\n";
  if (r.found || !r.details.empty()) {
    s += "| | |\n|---|---|\n";
    for (const auto &[name, value] : r.details) s += "| " + cell(name) + " | " + cell(value) + " |\n";
    if (r.found) {
      const verdict &v = *r.found;
      s += "| " + cell(v.lhs_name) + " | " + cell(v.lhs_text()) + " |\n";
      s += "| " + cell(v.rhs_name) + " | " + cell(v.rhs_text()) + " |\n";
      s += "| difference (left − right) | " + cell(v.difference_text()) + " |\n";
      s += "| verdict | " + cell(std::string(to_string(v.kind))) + " on the " + cell(v.rung_name()) + " rung |\n";
      if (v.distance) s += "| distance | " + cell(v.distance_text()) + " |\n";
      s += "| tolerance | " + cell(v.tolerance_text()) + " |\n";
      if (!v.evidence_text().empty()) s += "| evidence | " + cell(v.evidence_text()) + " |\n";
    }
    if (r.certificate)
      s += "| certificate | " + cell(std::string(to_string(r.certificate->kind))) + ": " +
           cell(r.certificate->evidence_text()) + " |\n";
    s += "\n";
  }
  if (r.kind == entry_kind::fallacy) {
    s += "**Expected shape.** " + r.expected_shape + "\n\n";
    if (!r.shape_problem.empty()) s += "**Shape problem.** " + r.shape_problem + "\n\n";
  }
  if (!r.explanation.empty()) s += "**Why.** " + r.explanation + "\n\n";
  if (!r.reproduce.empty())
    s += "**Reproduce.** `" + r.reproduce + " " + rerun_command(r) + "`\n\n";
  if (!r.regression.empty())
    s += "<details><summary>Regression test</summary>\n\n```cpp\n" + r.regression + "```\n\n</details>\n\n";
  return s;
}

std::string render_json(const run_result &r, timings t) {
  std::string s = "{\n";
  s += "  \"entry\": " + q(r.entry) + ",\n  \"variant\": " + q(r.variant) + ",\n";
  s += "  \"kind\": " + q(std::string(to_string(r.kind))) + ",\n";
  s += "  \"test\": " + q(r.test_name) + ",\n";
  s += "  \"claim\": " + q(r.claim) + ",\n  \"formula\": " + q(r.formula) + ",\n";
  s += "  \"status\": " + q(std::string(to_string(r.status))) + ",\n";
  s += std::string("  \"passed\": ") + (r.passed ? "true" : "false") + ",\n";
  s += "  \"cases\": " + std::to_string(r.cases) + ",\n  \"shrinks\": " + std::to_string(r.shrinks) + ",\n";
  // A string: 64-bit seeds lose digits in JSON parsers that read numbers as doubles.
  s += "  \"seed\": " + q(std::to_string(r.seed)) + ",\n";
  if (t == timings::shown) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", r.seconds);
    s += std::string("  \"seconds\": ") + buf + ",\n";
  }
  s += "  \"counterexample\": " + q(r.counterexample) + ",\n";
  s += "  \"details\": {";
  for (std::size_t i = 0; i < r.details.size(); ++i)
    s += (i ? ", " : "") + q(r.details[i].first) + ": " + q(r.details[i].second);
  s += "},\n";
  s += "  \"verdict\": " + (r.found ? json_verdict(*r.found) : std::string("null")) + ",\n";
  s += "  \"certificate\": " + (r.certificate ? json_verdict(*r.certificate) : std::string("null")) + ",\n";
  s += "  \"expected_shape\": " + q(r.expected_shape) + ",\n";
  s += "  \"shape_problem\": " + q(r.shape_problem) + ",\n";
  s += "  \"tally\": " + q(r.tally) + ",\n";
  s += "  \"message\": " + q(r.message) + ",\n";
  s += "  \"explanation\": " + q(r.explanation) + ",\n";
  s += "  \"reproduce\": " + q(r.reproduce) + ",\n";
  s += "  \"regression\": " + q(r.regression) + "\n}\n";
  return s;
}

report_piece report_piece_of(const run_result &r, timings t) {
  report_piece p;
  p.kind = r.kind;
  p.passed = r.passed;
  p.seconds = r.seconds;
  p.status = r.status;
  p.cases = r.cases;
  p.entry = r.entry;
  p.variant = r.variant;
  p.claim = r.claim;
  p.formula = r.formula;
  p.tally = r.tally;
  p.explanation = r.explanation;
  try {
    const entry &e = find_entry(r.entry);
    p.family = e.family;
    p.boundary = e.boundary;
  } catch (const unknown_name_error &) {
    // a result of the user's own law: no family
  }
  if (!r.counterexample.empty()) p.witness = one_line_case(r);
  if (r.found)
    p.sides = r.found->lhs_name + " = " + one_line(r.found->lhs_text()) + "; " + r.found->rhs_name +
              " = " + one_line(r.found->rhs_text());
  p.summary_row = "| `" + r.entry + "` | " + std::string(to_string(r.kind)) + " | " + r.variant +
                  " | " + (r.passed ? std::string(status_word(r)) : std::string("**FAIL**")) + " | " +
                  cell(verdict_words(r)) + " | " + cell(one_line_case(r)) + " |";
  if (t == timings::shown) p.summary_row += " " + seconds_string(r.seconds) + " |";
  p.summary_row += "\n";
  if (r.status != run_status::held || !r.passed) p.section = render_markdown(r, t);
  for (const figure &f : r.figures) {
    try {
      p.pictures.push_back({r.test_name + "." + f.name + ".svg", f.title, f.caption, render_svg(f)});
    } catch (const error &e) { // a picture that cannot be drawn is named, not dropped silently
      p.section += "*Picture \"" + f.title + "\" unavailable: " + e.what() + "*\n\n";
    }
  }
  return p;
}

namespace {
/// The text fields of a piece, in the order fields() sends them (after kind, passed, seconds,
/// status and cases); from_fields reads them back in the same order.
constexpr std::string report_piece::*text_fields[] = {
    &report_piece::entry,   &report_piece::variant,     &report_piece::family,
    &report_piece::boundary, &report_piece::claim,      &report_piece::formula,
    &report_piece::tally,   &report_piece::witness,     &report_piece::sides,
    &report_piece::explanation, &report_piece::summary_row, &report_piece::section};
constexpr std::size_t fixed_fields = 5 + std::size(text_fields);
} // namespace

std::vector<std::string> report_piece::fields() const {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.17g", seconds);
  std::vector<std::string> f{std::string(to_string(kind)), passed ? "1" : "0", secs,
                             std::string(to_string(status)), std::to_string(cases)};
  for (const auto member : text_fields) f.push_back(this->*member);
  for (const auto &p : pictures) f.insert(f.end(), {p.file, p.title, p.caption, p.svg});
  return f;
}

report_piece report_piece::from_fields(const std::vector<std::string> &f) {
  if (f.size() < fixed_fields || (f.size() - fixed_fields) % 4 != 0)
    throw error("report piece: " + std::to_string(f.size()) + " fields, expected " +
                std::to_string(fixed_fields) + " and four per picture");
  report_piece p;
  for (entry_kind k : {entry_kind::law, entry_kind::boundary_law, entry_kind::fallacy})
    if (f[0] == to_string(k)) p.kind = k;
  p.passed = f[1] == "1";
  p.seconds = std::strtod(f[2].c_str(), nullptr);
  for (run_status st : {run_status::held, run_status::falsified, run_status::gave_up,
                        run_status::setup_failure})
    if (f[3] == to_string(st)) p.status = st;
  p.cases = std::atoi(f[4].c_str());
  for (std::size_t k = 0; k < std::size(text_fields); ++k) p.*text_fields[k] = f[5 + k];
  for (std::size_t k = fixed_fields; k < f.size(); k += 4)
    p.pictures.push_back({f[k], f[k + 1], f[k + 2], f[k + 3]});
  return p;
}

namespace {

/// The four parts of the answer, in the order a reader needs them, and the families in each.
struct part {
  const char *title;
  const char *lead;
  std::vector<std::string> families;
};
const std::vector<part> &parts() {
  static const std::vector<part> p{
      {"Linearity: the gradient of an average is the average of the gradients",
       "Differentiation is linear, so every way of weighting, scaling, reordering or splitting "
       "per-example losses that keeps J = Σ c_i L_i keeps ∇J = Σ c_i ∇L_i.",
       {"linearity", "invariance", "reductions", "weighting", "upstream"}},
      {"Averaging before the nonlinearity",
       "Averaging the inputs, the pre-activations or the output errors first and differentiating "
       "after is a different computation: it equals the average of the gradients only where "
       "the averaged quantity enters affinely (the boundary laws).",
       {"averaging before the nonlinearity", "averaging before the model"}},
      {"The training pipeline",
       "Gradient accumulation, data-parallel replicas, per-token losses and strategies that "
       "split a batch are correct exactly when each example keeps its weight in the sum; "
       "batch-coupled layers (BatchNorm) break the per-example view itself.",
       {"accumulation", "data parallel", "tokens", "strategies", "batch coupling"}},
      {"Floating point",
       "In double and float the two sides are different roundings of the same number: equal up "
       "to rounding, not bit for bit.",
       {"floating point"}},
  };
  return p;
}

/// Index into parts() of a family; parts().size() for a family of the user's own.
std::size_t part_of(const std::string &family) {
  for (std::size_t i = 0; i < parts().size(); ++i)
    for (const auto &f : parts()[i].families)
      if (f == family) return i;
  return parts().size();
}

/// One entry over its variants.
struct entry_summary {
  const report_piece *first = nullptr;
  std::vector<const report_piece *> variants;
  int passed = 0;
  long cases = 0;
  std::vector<std::pair<std::string, long>> verdicts; ///< "exactly equal" → cases, in first-seen order
  const report_piece *witness = nullptr;              ///< a fallacy's shortest shrunk witness
};

/// Adds "60 exactly equal, 40 equal to working precision" into the verdict counts.
void add_tally(entry_summary &e, const std::string &tally) {
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

std::string verdict_counts(const entry_summary &e) {
  std::string s;
  for (const auto &[words, n] : e.verdicts) s += (s.empty() ? "" : ", ") + grouped(n) + " " + words;
  return s;
}

std::string capped(const std::string &s, std::size_t limit) {
  if (s.size() <= limit) return s;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut; // whole UTF-8 characters
  return s.substr(0, cut) + " …";
}

std::string variants_word(std::size_t n) { return n == 1 ? "variant" : "variants"; }

/// "held on all 21 variants" / "held on 20 of 21 variants; FAILED: relu_exact".
std::string law_outcome(const entry_summary &e) {
  const std::size_t n = e.variants.size();
  std::string s = std::size_t(e.passed) == n
                      ? (n == 1   ? std::string("held on its one variant")
                         : n == 2 ? std::string("held on both variants")
                                  : "held on all " + std::to_string(n) + " " + variants_word(n))
                      : "held on " + std::to_string(e.passed) + " of " + std::to_string(n) + " " +
                            variants_word(n) + "; **FAILED**:";
  if (std::size_t(e.passed) != n)
    for (const auto *v : e.variants)
      if (!v->passed) s += " " + v->variant;
  return s;
}

std::string fallacy_outcome(const entry_summary &e) {
  const std::size_t n = e.variants.size();
  std::string s = std::size_t(e.passed) == n
                      ? (n == 1   ? std::string("refuted, as expected")
                         : n == 2 ? std::string("refuted on both variants, as expected")
                                  : "refuted on all " + std::to_string(n) + " " + variants_word(n) +
                                        ", as expected")
                      : "refuted as expected on " + std::to_string(e.passed) + " of " +
                            std::to_string(n) + " " + variants_word(n) + "; **FAILED**:";
  if (std::size_t(e.passed) != n)
    for (const auto *v : e.variants)
      if (!v->passed) s += " " + v->variant;
  return s;
}

const char *glossary =
    "- **law**: an identity that must hold on every generated case (a model, a batch, an "
    "activation and a loss drawn at random).\n"
    "- **fallacy**: a plausible identity that is false; gradlaws must find a counterexample, "
    "shrink it, and find it in the expected shape.\n"
    "- **boundary law**: the condition under which a fallacy's equality is restored (σ′ affine, "
    "equal micro-batch sizes, …), checked as a law.\n"
    "- **variant**: one instantiation of an entry: an activation, a model family or a strategy "
    "on one rung.\n"
    "- **rung**: the arithmetic a case is judged in. *exact*: rational numbers, equality is "
    "`==`; *high*: MPFR at the working precision, equal when the two sides agree to that "
    "precision and again with 25 more digits; *machine*: double and float, equal when both "
    "sides are within their rounding-error bound of the exact value.\n"
    "- **shrink**: after a counterexample is found, gradlaws tries smaller and simpler inputs "
    "(fewer examples, smaller integers) while the claim still fails; the **shrunk "
    "counterexample** (the witness) is the smallest it reached.\n"
    "- **seed**: the random seed of a run; the same seed gives the same cases and the same "
    "report.\n";

} // namespace

std::string assemble_markdown_report(const std::vector<report_piece> &pieces,
                                     const run_options &opt, timings t,
                                     const std::string &pictures_dir) {
  const auto image = [&](const report_piece::picture &p) {
    return "![" + p.title + "](" + (pictures_dir.empty() ? "" : pictures_dir + "/") + p.file + ")\n\n";
  };
  // Entries over their variants, in the order of the pieces.
  std::vector<std::string> order;
  std::map<std::string, entry_summary> entries;
  int passed = 0, laws = 0, fallacies = 0;
  long law_cases = 0;
  double total = 0;
  for (const auto &p : pieces) {
    passed += p.passed;
    (p.kind == entry_kind::fallacy ? fallacies : laws) += 1;
    total += p.seconds;
    auto [it, fresh] = entries.try_emplace(p.entry);
    if (fresh) order.push_back(p.entry);
    entry_summary &e = it->second;
    if (!e.first) e.first = &p;
    e.variants.push_back(&p);
    e.passed += p.passed;
    if (p.kind != entry_kind::fallacy && p.status == run_status::held) {
      e.cases += p.cases;
      law_cases += p.cases;
      add_tally(e, p.tally);
    }
    if (p.kind == entry_kind::fallacy && p.passed && !p.witness.empty() &&
        (!e.witness || p.witness.size() < e.witness->witness.size()))
      e.witness = &p;
  }
  int law_entries = 0, fallacy_entries = 0, laws_held = 0, fallacies_refuted = 0;
  for (const auto &name : order) {
    const entry_summary &e = entries.at(name);
    const bool all = std::size_t(e.passed) == e.variants.size();
    if (e.first->kind == entry_kind::fallacy) fallacy_entries += 1, fallacies_refuted += all;
    else law_entries += 1, laws_held += all;
  }

  std::string s = "# gradlaws report\n\n";
  s += "## The answer\n\n";
  s += "> Is the gradient of the batch's average loss the same as the average of the "
       "per-example gradients?\n\n";
  if (const auto lin = entries.find("linearity"); lin != entries.end()) {
    const entry_summary &e = lin->second;
    const bool held = std::size_t(e.passed) == e.variants.size();
    s += held ? "**Yes.** " : "**The linearity law FAILED here** (see below). ";
    s += "Differentiation is linear, so for per-example losses L_i(θ) the gradient of the mean "
         "J = (1/N) Σ_i L_i is the mean (1/N) Σ_i ∇L_i. The law `linearity` " +
         law_outcome(e) + " (activations × rungs): " + grouped(e.cases) +
         " generated cases (random models, batches and parameters)" +
         (e.verdicts.empty() ? std::string() : ", " + verdict_counts(e)) + ".\n\n";
  } else {
    s += "Differentiation is linear, so for per-example losses L_i(θ) the gradient of the mean "
         "J = (1/N) Σ_i L_i is the mean (1/N) Σ_i ∇L_i (the law `linearity`, not run here).\n\n";
  }
  const derivative_gap seed = derivative_gap_of("sigmoid", {0, 1}, 5);
  s += "**What is not the same is averaging before a nonlinear step.** The derivative at the "
       "mean is not the mean of the derivatives: for the sigmoid and pre-activations z = {0, 1}, "
       "σ′(½) ≈ " + seed.at_mean + " but (σ′(0) + σ′(1))/2 ≈ " + seed.mean_of +
       " (Jensen's gap: σ′ is not affine). Each false identity below was refuted by a shrunk "
       "counterexample:\n\n";
  for (const auto &p : pieces)
    if (p.entry == "derivative_at_mean" && p.variant == "sigmoid_high" && !p.pictures.empty())
      s += image(p.pictures.front());
  for (const auto &name : order) {
    const entry_summary &e = entries.at(name);
    if (e.first->kind != entry_kind::fallacy) continue;
    s += "- `" + name + "`: " + e.first->formula + " — " + fallacy_outcome(e);
    if (e.witness)
      s += "; witness: " + capped(e.witness->witness, 240) +
           (e.witness->sides.empty() ? "" : " ⇒ " + capped(e.witness->sides, 200));
    s += ".\n";
  }
  if (fallacy_entries == 0) s += "- (no fallacy was run)\n";
  s += "\n**In all:** " + std::to_string(laws_held) + " of " + std::to_string(law_entries) +
       " laws and boundary laws held on every variant (" + grouped(law_cases) +
       " generated cases); " + std::to_string(fallacies_refuted) + " of " +
       std::to_string(fallacy_entries) + " fallacies were refuted on every variant, as expected. " +
       std::to_string(passed) + " of " + std::to_string(pieces.size()) +
       " variants came out as expected.\n\n";
  s += "Settings: " + std::to_string(opt.cases) + " cases per variant; high rung at " +
       std::to_string(opt.digits) + " digits; seed " +
       (opt.seed ? std::to_string(*opt.seed) : std::string("one per variant (FNV-1a of its test name)")) +
       (t == timings::shown ? "; total time " + seconds_string(total) : std::string()) + ".\n\n";

  // The catalogue by family.
  s += "## The catalogue by family\n\n";
  for (std::size_t k = 0; k <= parts().size(); ++k) {
    std::vector<std::string> in_part;
    for (const auto &name : order)
      if (part_of(entries.at(name).first->family) == k) in_part.push_back(name);
    if (in_part.empty()) continue;
    if (k < parts().size()) s += "### " + std::string(parts()[k].title) + "\n\n" + parts()[k].lead + "\n\n";
    else s += "### Other families\n\n";
    bool any_law = false, any_fallacy = false;
    for (const auto &name : in_part)
      (entries.at(name).first->kind == entry_kind::fallacy ? any_fallacy : any_law) = true;
    if (any_law) {
      s += "| law | claim | result | cases | verdicts |\n|---|---|---|---:|---|\n";
      for (const auto &name : in_part) {
        const entry_summary &e = entries.at(name);
        if (e.first->kind == entry_kind::fallacy) continue;
        const std::string label = e.first->kind == entry_kind::boundary_law
                                      ? "`" + name + "` (boundary of `" + e.first->boundary + "`)"
                                      : "`" + name + "`";
        s += "| " + label + " | " + cell(e.first->formula) + " | " + law_outcome(e) + " | " +
             grouped(e.cases) + " | " + cell(verdict_counts(e)) + " |\n";
      }
      s += "\n";
    }
    if (any_fallacy) {
      s += "| fallacy | false claim | result | shrunk witness | why | boundary law |\n"
           "|---|---|---|---|---|---|\n";
      for (const auto &name : in_part) {
        const entry_summary &e = entries.at(name);
        if (e.first->kind != entry_kind::fallacy) continue;
        std::string boundary = e.first->boundary.empty() ? "—" : "`" + e.first->boundary + "`";
        if (const auto b = entries.find(e.first->boundary); b != entries.end())
          boundary += std::size_t(b->second.passed) == b->second.variants.size() ? ": held" : ": **FAILED**";
        s += "| `" + name + "` | " + cell(e.first->formula) + " | " + fallacy_outcome(e) + " | " +
             cell(e.witness ? capped(e.witness->witness, 240) : "—") + " | " +
             cell(e.first->explanation.empty() ? "—" : e.first->explanation) + " | " + boundary + " |\n";
      }
      s += "\n";
    }
  }

  s += "## Glossary\n\n" + std::string(glossary) + "\n";

  s += "## Counterexamples and failures\n\n";
  for (const auto &p : pieces) {
    s += p.section;
    for (const auto &pic : p.pictures) s += image(pic);
  }

  s += "## Every variant\n\n";
  s += "| entry | kind | variant | result | verdict | shrunk counterexample |" +
       std::string(t == timings::shown ? " time |" : "") + "\n";
  s += "|---|---|---|---|---|---|" + std::string(t == timings::shown ? "---|" : "") + "\n";
  for (const auto &p : pieces) s += p.summary_row;
  return s;
}

std::string assemble_html_report(const std::vector<report_piece> &pieces, const run_options &opt,
                                 timings t) {
  std::vector<report_piece::picture> all;
  for (const auto &p : pieces) all.insert(all.end(), p.pictures.begin(), p.pictures.end());
  const std::string body = markdown_to_html(assemble_markdown_report(pieces, opt, t, ""), all);
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>gradlaws report</title>\n<style>\n"
         "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;"
         "padding:0 1em;line-height:1.5;color:#1a1a1a;background:#fff}\n"
         "h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
         "blockquote{margin:1em 0;padding:.3em 1em;border-left:4px solid #0072B2;background:#f3f8fc;"
         "font-size:1.15em}\n"
         "table{border-collapse:collapse;margin:1em 0;font-size:.92em;display:block;overflow-x:auto}\n"
         "th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}\n"
         "th{background:#f2f2f2}td.num{text-align:right}\n"
         "code{font-family:'DejaVu Sans Mono',monospace;font-size:.9em;background:#f4f4f4;padding:0 .2em;"
         "overflow-wrap:anywhere}\n"
         "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}pre code{background:none;padding:0}\n"
         "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;border:1px solid #e2e2e2}\n"
         "figcaption{font-size:.9em;color:#444;max-width:640px}\n"
         "strong.refuted{color:#009E73}strong.fail{color:#D55E00}\n"
         "</style>\n</head>\n<body>\n<main>\n" + body + "</main>\n</body>\n</html>\n";
}

std::size_t write_pictures(const std::vector<report_piece> &pieces, const std::string &dir) {
  namespace fs = std::filesystem;
  std::size_t n = 0;
  for (const auto &p : pieces)
    for (const auto &pic : p.pictures) {
      if (n == 0) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw error("cannot create the pictures directory '" + dir + "': " + ec.message());
      }
      const fs::path path = fs::path(dir) / pic.file;
      std::ofstream out(path);
      out << pic.svg;
      if (!out) throw error("cannot write the picture '" + path.string() + "'");
      ++n;
    }
  return n;
}

namespace {

/// Inline Markdown (`code`, **bold**, *emphasis*) of already-escaped-free text, as HTML.
std::string inline_html(const std::string &text) {
  std::string out;
  std::size_t i = 0;
  bool bold = false, em = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '`') {
      const std::size_t end = text.find('`', i + 1);
      if (end != std::string::npos) {
        std::string code = text.substr(i + 1, end - i - 1);
        for (std::size_t at = code.find("\\|"); at != std::string::npos; at = code.find("\\|", at))
          code.erase(at, 1); // a table cell's escaped '|'
        out += "<code>" + xml_escape(code) + "</code>";
        i = end + 1;
        continue;
      }
    }
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '|' || text[i + 1] == '*')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (text.compare(i, 2, "**") == 0) {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      i += 2;
      continue;
    }
    if (c == '*' && i + 1 < text.size() && (em || text[i + 1] != ' ')) {
      out += em ? "</em>" : "<em>";
      em = !em;
      ++i;
      continue;
    }
    if (text.compare(i, 4, "<br>") == 0) {
      out += "<br>";
      i += 4;
      continue;
    }
    out += xml_escape(std::string(1, c));
    ++i;
  }
  if (em) out += "</em>";
  if (bold) out += "</strong>";
  return out;
}

/// The cells of a table row "| a | b |" (a "\|" stays in its cell).
std::vector<std::string> table_cells(const std::string &row) {
  std::vector<std::string> cells;
  std::string cur;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cur += "\\|";
      ++i;
    } else if (row[i] == '|') {
      const auto b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cur.substr(b, e - b + 1));
      cur.clear();
    } else {
      cur += row[i];
    }
  }
  return cells;
}

bool starts_with(const std::string &s, const std::string &p) { return s.compare(0, p.size(), p) == 0; }

/// A heading's anchor: its ASCII letters, digits, '_' and '.' in lower case, other runs as one
/// '-' ("fallacy `derivative_at_mean` [sigmoid_high]: REFUTED" →
/// "fallacy-derivative_at_mean-sigmoid_high-refuted").
std::string anchor(const std::string &heading) {
  std::string a;
  for (unsigned char c : heading) {
    if (std::isalnum(c) || c == '_' || c == '.') a += char(std::tolower(c));
    else if (!a.empty() && a.back() != '-') a += '-';
  }
  while (!a.empty() && a.back() == '-') a.pop_back();
  return a;
}

} // namespace

std::string markdown_to_html(const std::string &markdown,
                             const std::vector<report_piece::picture> &inline_svg) {
  std::vector<std::string> lines;
  {
    std::string line;
    for (char c : markdown) {
      if (c == '\n') {
        lines.push_back(line);
        line.clear();
      } else {
        line += c;
      }
    }
    if (!line.empty()) lines.push_back(line);
  }
  std::string out, paragraph;
  bool in_section = false;
  std::set<std::string> figure_ids;
  auto flush = [&] {
    if (!paragraph.empty()) out += "<p>" + inline_html(paragraph) + "</p>\n";
    paragraph.clear();
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string &l = lines[i];
    if (l.empty()) {
      flush();
    } else if (starts_with(l, "```")) {
      flush();
      const std::string lang = l.substr(3);
      out += "<pre><code" + (lang.empty() ? std::string() : " class=\"language-" + xml_escape(lang) + "\"") + ">";
      for (++i; i < lines.size() && !starts_with(lines[i], "```"); ++i) out += xml_escape(lines[i]) + "\n";
      out += "</code></pre>\n";
    } else if (starts_with(l, "#")) {
      flush();
      std::size_t level = 0;
      while (level < l.size() && l[level] == '#') ++level;
      const std::string h = "h" + std::to_string(std::min<std::size_t>(level, 6));
      const std::string text = l.substr(std::min(level + 1, l.size()));
      // Each h2 and h3 opens a <section> that runs to the next one: an addressable part.
      if (level == 2 || level == 3) {
        if (in_section) out += "</section>\n";
        out += "<section id=\"" + xml_escape(anchor(text)) + "\">\n";
        in_section = true;
      }
      out += "<" + h + ">" + inline_html(text) + "</" + h + ">\n";
    } else if (starts_with(l, "> ")) {
      flush();
      out += "<blockquote><p>" + inline_html(l.substr(2)) + "</p></blockquote>\n";
    } else if (starts_with(l, "- ")) {
      flush();
      out += "<ul>\n";
      for (; i < lines.size() && starts_with(lines[i], "- "); ++i)
        out += "<li>" + inline_html(lines[i].substr(2)) + "</li>\n";
      --i;
      out += "</ul>\n";
    } else if (starts_with(l, "|")) {
      flush();
      out += "<table>\n";
      bool header = i + 1 < lines.size() && starts_with(lines[i + 1], "|---");
      std::vector<bool> numeric;
      for (; i < lines.size() && starts_with(lines[i], "|"); ++i) {
        if (starts_with(lines[i], "|---")) {
          for (const auto &c : table_cells(lines[i])) numeric.push_back(!c.empty() && c.back() == ':');
          continue;
        }
        const auto cells = table_cells(lines[i]);
        out += "<tr>";
        for (std::size_t k = 0; k < cells.size(); ++k) {
          const char *tag = header ? "th" : "td";
          out += std::string("<") + tag + (!header && k < numeric.size() && numeric[k] ? " class=\"num\"" : "") +
                 ">" + inline_html(cells[k]) + "</" + tag + ">";
        }
        out += "</tr>\n";
        header = false;
      }
      --i;
      out += "</table>\n";
    } else if (starts_with(l, "![")) {
      flush();
      const std::size_t close = l.find("](");
      const std::string alt = close == std::string::npos ? "" : l.substr(2, close - 2);
      const std::string src = close == std::string::npos ? "" : l.substr(close + 2, l.size() - close - 3);
      const std::string file = src.substr(src.find_last_of('/') == std::string::npos ? 0 : src.find_last_of('/') + 1);
      const auto pic = std::find_if(inline_svg.begin(), inline_svg.end(),
                                    [&](const report_piece::picture &p) { return p.file == file; });
      if (pic != inline_svg.end()) {
        // Its caption is in the SVG. A picture shown twice (the answer's, again in its
        // section) gets a second id.
        std::string id = pic->file;
        for (int k = 2; !figure_ids.insert(id).second; ++k) id = pic->file + "-" + std::to_string(k);
        out += "<figure id=\"" + xml_escape(id) + "\">\n" + pic->svg + "</figure>\n";
      }
      else
        out += "<p><img src=\"" + xml_escape(src) + "\" alt=\"" + xml_escape(alt) + "\"></p>\n";
    } else if (starts_with(l, "<details>") || starts_with(l, "</details>")) {
      flush();
      std::string tag = l;
      if (starts_with(l, "<details><summary>")) {
        const std::size_t end = l.find("</summary>");
        tag = "<details><summary>" + xml_escape(l.substr(18, end - 18)) + "</summary>";
      }
      out += tag + "\n";
    } else {
      paragraph += (paragraph.empty() ? "" : " ") + l;
    }
  }
  flush();
  if (in_section) out += "</section>\n";
  return out;
}

std::string render_markdown_report(const std::vector<run_result> &results, const run_options &opt,
                                   timings t) {
  std::vector<report_piece> pieces;
  for (const auto &r : results) pieces.push_back(report_piece_of(r, t));
  return assemble_markdown_report(pieces, opt, t);
}

void write_report_files(const run_result &r, const std::string &dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw error("cannot create the report directory '" + dir + "': " + ec.message());
  for (const auto &[ext, text] : {std::pair<std::string, std::string>{".md", render_markdown(r)},
                                  {".json", render_json(r)}}) {
    const fs::path path = fs::path(dir) / (r.test_name + ext);
    std::ofstream out(path);
    out << text;
    if (!out) throw error("cannot write the report file '" + path.string() + "'");
  }
}

} // namespace gradlaws
