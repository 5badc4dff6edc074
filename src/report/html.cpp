// The HTML format: a document written as HTML elements, and the report as one self-contained
// page (pictures inline as SVG, formulas as MathML, no script, no network).

#include "detail/compose.hpp"

#include "gradlaws/mathml.hpp"
#include "gradlaws/svg.hpp"

#include <cctype>
#include <set>

namespace gradlaws {

namespace detail {

namespace {

std::string html_spans(const spans &s, bool cell = false) {
  std::string out;
  for (const span &x : s) {
    std::string t = xml_escape(x.text);
    if (cell)
      for (std::size_t at = t.find('\n'); at != std::string::npos; at = t.find('\n', at))
        t.replace(at, 1, "<br>");
    switch (x.k) {
    case span::kind::text: out += t; break;
    case span::kind::code: out += "<code>" + t + "</code>"; break;
    case span::kind::strong: out += "<strong>" + t + "</strong>"; break;
    case span::kind::em: out += "<em>" + t + "</em>"; break;
    case span::kind::formula:
    case span::kind::formula_code: out += formula_mathml(x.text); break;
    }
  }
  return out;
}

/// A heading's anchor: its ASCII letters, digits, '_' and '.' in lower case, other runs as one
/// '-' ("fallacy derivative_at_mean [sigmoid_high]: REFUTED" →
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

std::string html_table(const table &t) {
  std::string out = "<table>\n";
  bool named = false;
  for (const spans &h : t.header) named = named || !h.empty();
  if (named) {
    out += "<tr>";
    for (const spans &h : t.header) out += "<th>" + html_spans(h, true) + "</th>";
    out += "</tr>\n";
  }
  for (const auto &row : t.rows) {
    out += "<tr>";
    for (std::size_t k = 0; k < row.size(); ++k)
      out += std::string(k < t.numeric.size() && t.numeric[k] ? "<td class=\"num\">" : "<td>") +
             html_spans(row[k], true) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string html_code(const code_block &c) {
  return "<pre><code" + (c.language.empty() ? std::string() : " class=\"language-" + xml_escape(c.language) + "\"") +
         ">" + xml_escape(c.code) + "</code></pre>\n";
}

/// Writes blocks; keeps what spans blocks: the open <section> and the figure ids given.
struct html_writer {
  std::string out;
  bool in_section = false;
  std::set<std::string> figure_ids;

  void operator()(const heading &h) {
    // Each h2 and h3 opens a <section> that runs to the next one: an addressable part.
    if (h.level == 2 || h.level == 3) {
      if (in_section) out += "</section>\n";
      out += "<section id=\"" + xml_escape(anchor(plain_text(h.text))) + "\">\n";
      in_section = true;
    }
    const std::string tag = "h" + std::to_string(h.level);
    out += "<" + tag + ">" + html_spans(h.text) + "</" + tag + ">\n";
  }
  void operator()(const paragraph &p) { out += "<p>" + html_spans(p.text) + "</p>\n"; }
  void operator()(const quote &q) { out += "<blockquote><p>" + html_spans(q.text) + "</p></blockquote>\n"; }
  void operator()(const bullet_list &l) {
    out += "<ul>\n";
    for (const spans &item : l.items) out += "<li>" + html_spans(item) + "</li>\n";
    out += "</ul>\n";
  }
  void operator()(const table &t) { out += html_table(t); }
  void operator()(const code_block &c) { out += html_code(c); }
  void operator()(const folded_code &f) {
    out += "<details><summary>" + xml_escape(f.summary) + "</summary>\n" + html_code(f.body) + "</details>\n";
  }
  void operator()(const picture &p) {
    // Its caption is in the SVG. A picture shown twice (the answer's, again in its section)
    // gets a second id.
    std::string id = p.file;
    for (int k = 2; !figure_ids.insert(id).second; ++k) id = p.file + "-" + std::to_string(k);
    out += "<figure id=\"" + xml_escape(id) + "\">\n" + p.svg + "</figure>\n";
  }
};

const char *const page_style =
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
    "math{font-size:1.05em}\n"
    "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;border:1px solid #e2e2e2}\n"
    "figcaption{font-size:.9em;color:#444;max-width:640px}\n";

} // namespace

std::string write_html(const document &d) {
  html_writer w;
  for (const block &b : d) std::visit(w, b);
  if (w.in_section) w.out += "</section>\n";
  return w.out;
}

} // namespace detail

std::string assemble_html_report(const std::vector<report_input> &inputs, const run_options &opt, timings t) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>gradlaws report</title>\n<style>\n" +
         std::string(detail::page_style) + "</style>\n</head>\n<body>\n<main>\n" +
         detail::write_html(detail::report_document(inputs, opt, t)) + "</main>\n</body>\n</html>\n";
}

} // namespace gradlaws
