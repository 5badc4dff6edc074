#pragma once
// The reports as documents, composed from the results: one run's section, and the whole report
// that answers the question first. Markdown and HTML write these same documents.

#include "detail/document.hpp"

#include "gradlaws/report.hpp"

#include <vector>

namespace gradlaws::detail {

/// One run as a section (heading level 3): claim, formula, outcome, the shrunk case, both sides
/// and the verdict, the certificate, the expected shape, why, how to reproduce, the regression.
document result_section(const run_result &r, timings t);

/// The whole report (see assemble_markdown_report).
document report_document(const std::vector<report_input> &inputs, const run_options &opt,
                         timings t);

/// A result's figures drawn: the pictures, and a note for each one that cannot be drawn.
struct drawn_figures {
  std::vector<picture> pictures;
  std::vector<std::string> problems; ///< "Picture \"title\" unavailable: why"
};
drawn_figures draw_figures(const run_result &r);

} // namespace gradlaws::detail
