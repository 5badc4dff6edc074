#include "gradlaws/report_piece.hpp"

#include "gradlaws/error.hpp"

namespace gradlaws {

namespace {

report_piece piece_of(report_input in) {
  const run_result &r = in.result;
  report_piece p{.kind = r.kind, .passed = r.passed, .status = r.status, .cases = r.cases,
                 .seconds = r.seconds, .entry = r.entry, .variant = r.variant, .input = {}};
  p.input = std::move(in);
  return p;
}

std::vector<report_input> inputs_of(const std::vector<report_piece> &pieces) {
  std::vector<report_input> in;
  in.reserve(pieces.size());
  for (const report_piece &p : pieces) in.push_back(p.input);
  return in;
}

} // namespace

std::vector<std::string> report_piece::fields() const { return {result_json(input.result)}; }

report_piece report_piece::from_fields(const std::vector<std::string> &f) {
  if (f.size() != 1)
    throw error("report piece: " + std::to_string(f.size()) + " fields, expected one (the result's JSON)");
  return piece_of(report_input_of(read_result_json(f[0])));
}

report_piece report_piece_of(const run_result &r, timings) { return piece_of(report_input_of(r)); }

std::string assemble_markdown_report(const std::vector<report_piece> &pieces, const run_options &opt, timings t,
                                     const std::string &pictures_dir) {
  return assemble_markdown_report(inputs_of(pieces), opt, t, pictures_dir);
}

std::string assemble_html_report(const std::vector<report_piece> &pieces, const run_options &opt, timings t) {
  return assemble_html_report(inputs_of(pieces), opt, t);
}

std::size_t write_pictures(const std::vector<report_piece> &pieces, const std::string &dir) {
  return write_pictures(inputs_of(pieces), dir);
}

} // namespace gradlaws
