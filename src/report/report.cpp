#include "gradlaws/report.hpp"

#include "gradlaws/error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace gradlaws {

namespace {
/// What follows RC_PARAMS in a reproduce line: the user's own command, or the catalogue's test.
std::string rerun_command(const run_result &r) {
  if (!r.rerun.empty()) return r.rerun;
  return "ctest --test-dir build -R '^" + r.test_name + "$' -V";
}
std::string indent(const std::string &text, const std::string &pad) {
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

std::string summary_line(const run_result &r, timings t) {
  return std::string(r.passed ? "PASS" : "FAIL") + "  " + std::string(to_string(r.kind)) + " " +
         r.entry + " [" + r.variant + "]  " + outcome_words(r) +
         (t == timings::shown ? "  (" + seconds_string(r.seconds) + ")" : std::string());
}

std::string render_text(const run_result &r, timings t) {
  std::string s;
  s += "== " + std::string(to_string(r.kind)) + " " + r.entry + " [" + r.variant + "]: " +
       (r.passed ? "PASS" : "FAIL") + "\n";
  s += "claim     " + r.claim + "\n";
  s += "formula   " + r.formula + "\n";
  s += "outcome   " + outcome_words(r) + "  (seed " + std::to_string(r.seed) +
       (t == timings::shown ? ", " + seconds_string(r.seconds) : std::string()) + ")\n";
  if (!r.counterexample.empty()) {
    s += "shrunk counterexample\n" + indent(r.counterexample, "    ") + "\n";
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
  if (!r.regression.empty()) s += "regression test\n" + indent(r.regression, "    ") + "\n";
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

/// The shrunk case on one line for the summary table.
std::string one_line_case(const run_result &r) {
  if (r.counterexample.empty()) return r.status == run_status::held ? "—" : r.message;
  std::string s;
  for (char c : r.counterexample) s += c == '\n' ? std::string("; ") : std::string(1, c);
  std::string squeezed;
  for (char c : s)
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
  return squeezed;
}

} // namespace

std::string render_markdown(const run_result &r, timings t) {
  std::string s;
  s += "### " + std::string(to_string(r.kind)) + " `" + r.entry + "` [" + r.variant + "]: " +
       (r.passed ? "PASS" : "**FAIL**") + "\n\n";
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
  p.summary_row = "| `" + r.entry + "` | " + std::string(to_string(r.kind)) + " | " + r.variant +
                  " | " + (r.passed ? "PASS" : "**FAIL**") + " | " + cell(verdict_words(r)) +
                  " | " + cell(one_line_case(r)) + " |";
  if (t == timings::shown) p.summary_row += " " + seconds_string(r.seconds) + " |";
  p.summary_row += "\n";
  if (r.status != run_status::held || !r.passed) p.section = render_markdown(r, t);
  return p;
}

std::string assemble_markdown_report(const std::vector<report_piece> &pieces,
                                     const run_options &opt, timings t) {
  int passed = 0, laws = 0, fallacies = 0;
  double total = 0;
  for (const auto &r : pieces) {
    passed += r.passed;
    (r.kind == entry_kind::fallacy ? fallacies : laws) += 1;
    total += r.seconds;
  }
  std::string s = "# gradlaws report\n\n";
  s += "Which ways of computing a batch gradient are the same thing, and which are not: every "
       "law is checked on generated cases, every fallacy is falsified and shown on its shrunk "
       "counterexample.\n\n";
  s += "- entries run: " + std::to_string(pieces.size()) + " (" + std::to_string(laws) +
       " laws and boundary laws, " + std::to_string(fallacies) + " fallacies)\n";
  s += "- passed: " + std::to_string(passed) + " of " + std::to_string(pieces.size()) + "\n";
  s += "- cases per entry: " + std::to_string(opt.cases) + "; high rung: " +
       std::to_string(opt.digits) + " digits; seed: " +
       (opt.seed ? std::to_string(*opt.seed) : std::string("one per entry (FNV-1a of its test name)")) + "\n";
  if (t == timings::shown) s += "- total time: " + seconds_string(total) + "\n";
  s += "\n## Summary\n\n";
  s += "| entry | kind | variant | result | verdict | shrunk counterexample |" +
       std::string(t == timings::shown ? " time |" : "") + "\n";
  s += "|---|---|---|---|---|---|" + std::string(t == timings::shown ? "---|" : "") + "\n";
  for (const auto &r : pieces) s += r.summary_row;
  s += "\n## Counterexamples and failures\n\n";
  for (const auto &r : pieces) s += r.section;
  return s;
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
