// The Markdown format: a document written as GitHub-flavoured Markdown, one run's section
// (render_markdown) and the whole report.

#include "detail/compose.hpp"

#include <type_traits>

namespace gradlaws {

namespace detail {

namespace {

/// Text in a table cell: a bare '|' would end the cell and a newline the row.
std::string in_cell(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else out += c;
  }
  return out;
}

std::string md_spans(const spans &s, bool cell = false) {
  std::string out;
  for (const span &x : s) {
    const std::string t = cell ? in_cell(x.text) : x.text;
    switch (x.k) {
    case span::kind::text:
    case span::kind::formula: out += t; break;
    case span::kind::code:
    case span::kind::formula_code: out += "`" + t + "`"; break;
    case span::kind::strong: out += "**" + t + "**"; break;
    case span::kind::em: out += "*" + t + "*"; break;
    }
  }
  return out;
}

std::string md_table(const table &t) {
  std::string out = "|";
  for (const spans &h : t.header) out += h.empty() ? " |" : " " + md_spans(h, true) + " |";
  out += "\n|";
  for (std::size_t k = 0; k < t.header.size(); ++k) out += k < t.numeric.size() && t.numeric[k] ? "---:|" : "---|";
  out += "\n";
  for (const auto &row : t.rows) {
    out += "|";
    for (const spans &c : row) out += " " + md_spans(c, true) + " |";
    out += "\n";
  }
  return out;
}

std::string md_code(const code_block &c) { return "```" + c.language + "\n" + c.code + "```\n"; }

/// A block, ending with its own newline; blocks are separated by a blank line.
std::string md_block(const block &b, const std::string &pictures_dir) {
  return std::visit(
      [&](const auto &x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, heading>) return std::string(std::size_t(x.level), '#') + " " + md_spans(x.text) + "\n";
        else if constexpr (std::is_same_v<T, paragraph>) return md_spans(x.text) + "\n";
        else if constexpr (std::is_same_v<T, quote>) return "> " + md_spans(x.text) + "\n";
        else if constexpr (std::is_same_v<T, bullet_list>) {
          std::string out;
          for (const spans &item : x.items) out += "- " + md_spans(item) + "\n";
          return out;
        } else if constexpr (std::is_same_v<T, table>) return md_table(x);
        else if constexpr (std::is_same_v<T, code_block>) return md_code(x);
        else if constexpr (std::is_same_v<T, folded_code>)
          return "<details><summary>" + x.summary + "</summary>\n\n" + md_code(x.body) + "\n</details>\n";
        else return "![" + x.title + "](" + (pictures_dir.empty() ? "" : pictures_dir + "/") + x.file + ")\n";
      },
      b);
}

} // namespace

std::string write_markdown(const document &d, const std::string &pictures_dir) {
  std::string out;
  for (const block &b : d) out += md_block(b, pictures_dir) + "\n";
  return out;
}

} // namespace detail

std::string render_markdown(const run_result &r, timings t) {
  return detail::write_markdown(detail::result_section(r, t), "");
}

std::string assemble_markdown_report(const std::vector<report_input> &inputs, const run_options &opt,
                                     timings t, const std::string &pictures_dir) {
  std::string md = detail::write_markdown(detail::report_document(inputs, opt, t), pictures_dir);
  md.pop_back(); // the file ends with its last table's row, not a blank line
  return md;
}

std::string render_markdown_report(const std::vector<run_result> &results, const run_options &opt,
                                   timings t) {
  std::vector<report_input> inputs;
  inputs.reserve(results.size());
  for (const run_result &r : results) inputs.push_back(report_input_of(r));
  return assemble_markdown_report(inputs, opt, t);
}

} // namespace gradlaws
