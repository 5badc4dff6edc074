#pragma once
// Compatibility for the command line's `report`, until it sends result_json from its workers
// and assembles report_inputs: a piece is a report_input with the fields the command line reads.
// Its fields() are the result's full JSON, so the worker pipe already carries structured
// results. Remove this header when nothing includes it.

#include "gradlaws/report.hpp"

#include <string>
#include <vector>

namespace gradlaws {

struct report_piece {
  entry_kind kind = entry_kind::law;
  bool passed = false;
  run_status status = run_status::setup_failure;
  int cases = 0;
  double seconds = 0;
  std::string entry, variant;
  report_input input;

  /// {result_json(input.result)}, and back (looking the entry up in the catalogue).
  std::vector<std::string> fields() const;
  static report_piece from_fields(const std::vector<std::string> &f);
};
/// The piece of a result; timings are chosen when the pieces are assembled.
report_piece report_piece_of(const run_result &r, timings t = timings::shown);
/// The report functions of report.hpp, on the pieces' inputs.
std::string assemble_markdown_report(const std::vector<report_piece> &pieces, const run_options &opt,
                                     timings t = timings::shown,
                                     const std::string &pictures_dir = "pictures");
std::string assemble_html_report(const std::vector<report_piece> &pieces, const run_options &opt,
                                 timings t = timings::shown);
std::size_t write_pictures(const std::vector<report_piece> &pieces, const std::string &dir);

} // namespace gradlaws
