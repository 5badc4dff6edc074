#pragma once
// Rendering run results. One structured value feeds every format: a run_result, and for the
// whole report what the catalogue knows of its entry (report_input). Each format is written
// from those values by its own source file — terminal text, Markdown, HTML (formulas as
// MathML, gradlaws/mathml.hpp), JSON, and SVG pictures (gradlaws/svg.hpp); none parses
// another's output.

#include "gradlaws/catalogue.hpp"
#include "gradlaws/result_json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// How reports treat wall-clock times: shown, or left out so that the same seed gives a
/// byte-identical report.
enum class timings { shown, omitted };

// ---------------------------------------------------------------------------------------------
// One run

/// The full account of one run, reading like a worked answer: the claim, the shrunk input,
/// both sides, the difference, the verdict with its tolerance, and how to reproduce it.
std::string render_text(const run_result &r, timings t = timings::shown);

/// One line: "PASS  law linearity [relu_exact]  held on 100 cases (100 exactly equal)  0.12 s";
/// a fallacy falsified as expected reads "REFUTED  fallacy …".
std::string summary_line(const run_result &r, timings t = timings::shown);

/// The word for a result: "PASS" for a law that held, "REFUTED" for a fallacy falsified in its
/// expected shape (as expected), "FAIL" otherwise. Never "PASS" for a refuted fallacy.
std::string_view status_word(const run_result &r);

/// The run as a Markdown section (heading level 3).
std::string render_markdown(const run_result &r, timings t = timings::shown);

/// The run as the report's JSON object: its words, and its verdicts as text.
std::string render_json(const run_result &r, timings t = timings::shown);

/// Writes <dir>/<test name>.md and .json; creates dir if needed. Throws gradlaws::error if a
/// file cannot be written.
void write_report_files(const run_result &r, const std::string &dir);

// ---------------------------------------------------------------------------------------------
// The whole report

/// What the report knows of one run: the result, and its entry's place in the catalogue.
struct report_input {
  run_result result;
  std::string family;   ///< the entry's catalogue family ("" when not in the catalogue)
  std::string boundary; ///< a fallacy's boundary law, a boundary law's fallacy
};
/// The result with its entry's family and boundary from the catalogue (none for a user's law).
report_input report_input_of(run_result r);

/// The report of every run, in order: the answer to the question first (what is equal, on how
/// many cases; what is not, each with its witness), the catalogue by family, a glossary, every
/// counterexample in full with its pictures, and the table of every variant. Pictures are
/// referenced as files in `pictures_dir` (relative to the report; see write_pictures).
std::string assemble_markdown_report(const std::vector<report_input> &inputs, const run_options &opt,
                                     timings t = timings::shown,
                                     const std::string &pictures_dir = "pictures");

/// The same report as one self-contained HTML page: pictures inline as SVG, formulas as
/// MathML, no script, no network; readable offline and printable.
std::string assemble_html_report(const std::vector<report_input> &inputs, const run_options &opt,
                                 timings t = timings::shown);

/// Writes every run's pictures into dir (created if needed) as <test>.<figure>.svg; returns
/// how many. Throws gradlaws::error if dir cannot be created or a file cannot be written.
std::size_t write_pictures(const std::vector<report_input> &inputs, const std::string &dir);

/// assemble_markdown_report of the results, each with report_input_of.
std::string render_markdown_report(const std::vector<run_result> &results, const run_options &opt,
                                   timings t = timings::shown);

// ---------------------------------------------------------------------------------------------
// Text on a terminal

/// Columns UTF-8 text takes on a terminal: its code points ("σ′(z)" is 5).
std::size_t columns(std::string_view text);
/// n with its thousands separated by commas: 2100 → "2,100".
std::string grouped(long long n);

} // namespace gradlaws

