#pragma once
// Rendering run results: the counterexample report as terminal text (the CTest log), and the
// one-line summary the command line prints per entry.

#include "gradlaws/catalogue.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// How reports treat wall-clock times: shown, or left out so that the same seed gives a
/// byte-identical report.
enum class timings { shown, omitted };

/// The full account of one run, reading like a worked answer: the claim, the shrunk input,
/// both sides, the difference, the verdict with its tolerance, and how to reproduce it.
std::string render_text(const run_result &r, timings t = timings::shown);

/// One line: "PASS  law linearity [relu_exact]  held on 100 cases (100 exactly equal)  0.12 s";
/// a fallacy falsified as expected reads "REFUTED  fallacy …".
std::string summary_line(const run_result &r, timings t = timings::shown);

/// The run as a Markdown section (heading level 3).
std::string render_markdown(const run_result &r, timings t = timings::shown);

/// The run as one JSON object.
std::string render_json(const run_result &r, timings t = timings::shown);

/// What the Markdown report needs of one result, as text: the facts its answer and catalogue
/// are written from, its row in the table of every variant, and (for a counterexample or a
/// failure) its section. Pieces can be made where the entry ran (another process, which sends
/// fields()) and assembled here.
struct report_piece {
  entry_kind kind = entry_kind::law;
  bool passed = false;
  double seconds = 0;
  run_status status = run_status::setup_failure;
  int cases = 0;
  std::string entry, variant;
  std::string family;      ///< the entry's catalogue family ("" when not in the catalogue)
  std::string boundary;    ///< a fallacy's boundary law, a boundary law's fallacy
  std::string claim, formula;
  std::string tally;       ///< a law's verdicts over its cases, e.g. "100 exactly equal"
  std::string witness;     ///< the shrunk counterexample on one line
  std::string sides;       ///< its two sides on one line: "left = …; right = …"
  std::string explanation; ///< why the two sides part (or agree), in words
  std::string summary_row; ///< "| `entry` | kind | variant | … |\n"
  std::string section;     ///< render_markdown, or "" for a law that held
  /// The result's figures drawn: {file name "<test>.<figure>.svg", title, caption, SVG}.
  struct picture {
    std::string file, title, caption, svg;
  };
  std::vector<picture> pictures;

  /// The piece as strings, and back: what a worker process sends.
  std::vector<std::string> fields() const;
  static report_piece from_fields(const std::vector<std::string> &f);
};
report_piece report_piece_of(const run_result &r, timings t = timings::shown);
/// The report of every piece, in order: the answer to the question first (what is equal, on
/// how many cases; what is not, each with its witness), the catalogue by family, a glossary,
/// every counterexample in full with its pictures, and the table of every variant.
/// Pictures are referenced as files in `pictures_dir` (relative to the report; see
/// write_pictures). render_markdown_report(results) is this of their pieces.
std::string assemble_markdown_report(const std::vector<report_piece> &pieces,
                                     const run_options &opt, timings t = timings::shown,
                                     const std::string &pictures_dir = "pictures");

/// The same report as one self-contained HTML page: the pictures inline as SVG, no script, no
/// network; readable offline and printable.
std::string assemble_html_report(const std::vector<report_piece> &pieces, const run_options &opt,
                                 timings t = timings::shown);

/// Writes every piece's pictures into dir (created if needed) as <file>.svg; returns how many.
/// Throws gradlaws::error if dir cannot be created or a file cannot be written.
std::size_t write_pictures(const std::vector<report_piece> &pieces, const std::string &dir);

/// Markdown as gradlaws writes it (headings, paragraphs, quotes, lists, tables, fenced code,
/// <details>, `code`, **bold**, *emphasis*, images) as HTML. An image whose source names a
/// picture in `inline_svg` (by file name) is replaced by that SVG inside a <figure>.
std::string markdown_to_html(const std::string &markdown,
                             const std::vector<report_piece::picture> &inline_svg = {});

/// Columns UTF-8 text takes on a terminal: its code points ("σ′(z)" is 5).
std::size_t columns(std::string_view text);
/// n with its thousands separated by commas: 2100 → "2,100".
std::string grouped(long long n);

/// The word for a result: "PASS" for a law that held, "REFUTED" for a fallacy falsified in its
/// expected shape (as expected), "FAIL" otherwise. Never "PASS" for a refuted fallacy.
std::string_view status_word(const run_result &r);

/// A whole report (see assemble_markdown_report).
std::string render_markdown_report(const std::vector<run_result> &results, const run_options &opt,
                                   timings t = timings::shown);

/// Writes <dir>/<test name>.md and .json; creates dir if needed. Throws gradlaws::error if a
/// file cannot be written.
void write_report_files(const run_result &r, const std::string &dir);

} // namespace gradlaws
