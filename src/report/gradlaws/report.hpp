#pragma once
// Rendering run results: the counterexample report as terminal text (the CTest log), and the
// one-line summary the command line prints per entry.

#include "gradlaws/catalogue.hpp"

#include <string>
#include <vector>

namespace gradlaws {

/// How reports treat wall-clock times: shown, or left out so that the same seed gives a
/// byte-identical report.
enum class timings { shown, omitted };

/// The full account of one run, reading like a worked answer: the claim, the shrunk input,
/// both sides, the difference, the verdict with its tolerance, and how to reproduce it.
std::string render_text(const run_result &r, timings t = timings::shown);

/// One line: "PASS  law linearity [relu_exact]  held on 100 cases (100 exactly equal)  0.12 s".
std::string summary_line(const run_result &r, timings t = timings::shown);

/// The run as a Markdown section (heading level 3).
std::string render_markdown(const run_result &r, timings t = timings::shown);

/// The run as one JSON object.
std::string render_json(const run_result &r, timings t = timings::shown);

/// What the Markdown report needs of one result, as text: its summary row and (for a
/// counterexample or a failure) its section. Pieces can be made where the entry ran (another
/// process) and assembled here.
struct report_piece {
  entry_kind kind = entry_kind::law;
  bool passed = false;
  double seconds = 0;
  std::string summary_row; ///< "| `entry` | kind | variant | … |\n"
  std::string section;     ///< render_markdown, or "" for a law that held
};
report_piece report_piece_of(const run_result &r, timings t = timings::shown);
/// The report of every piece, in order; render_markdown_report(results) is this of theirs.
std::string assemble_markdown_report(const std::vector<report_piece> &pieces,
                                     const run_options &opt, timings t = timings::shown);

/// A whole report: a summary table (entry, kind, variant, verdict, shrunk counterexample, time)
/// followed by every falsified case and every failure in full.
std::string render_markdown_report(const std::vector<run_result> &results, const run_options &opt,
                                   timings t = timings::shown);

/// Writes <dir>/<test name>.md and .json; creates dir if needed. Throws gradlaws::error if a
/// file cannot be written.
void write_report_files(const run_result &r, const std::string &dir);

} // namespace gradlaws
