#pragma once
// A report as structure: headings, paragraphs, lists, tables, code and pictures, their text as
// spans that say what each run of words is (plain, code, a formula, emphasis). The report is
// composed once from the results (report_document.cpp, section.cpp); markdown.cpp and html.cpp
// each write the same structure in their own syntax, so neither reads the other's output.

#include <string>
#include <variant>
#include <vector>

namespace gradlaws::detail {

/// A run of inline text and what it is.
struct span {
  enum class kind {
    text,    ///< plain words
    code,    ///< a name or a command, set in monospace
    strong,  ///< **bold**
    em,      ///< *emphasis*
    formula, ///< a formula in gradlaws's Unicode notation: plain in Markdown, MathML in HTML
    formula_code ///< the same, set as code in Markdown
  };
  kind k = kind::text;
  std::string text;
};
using spans = std::vector<span>;

span plain(std::string s);
span code(std::string s);
span strong(std::string s);
span em(std::string s);
span formula(std::string s);
span formula_code(std::string s);
/// The words of spans without their markup (a heading's anchor, a figure's alt text).
std::string plain_text(const spans &s);

struct heading {
  int level = 1; ///< 1 the title, 2 a part, 3 a section within it
  spans text;
};
struct paragraph {
  spans text;
};
struct quote {
  spans text;
};
struct bullet_list {
  std::vector<spans> items;
};
struct table {
  std::vector<spans> header; ///< all empty: a table without column names
  std::vector<bool> numeric; ///< per column: right-aligned numbers
  std::vector<std::vector<spans>> rows;
};
struct code_block {
  std::string language;
  std::string code; ///< ends with a newline
};
/// A code block folded under a summary line.
struct folded_code {
  std::string summary;
  code_block body;
};
/// A drawn picture: a file beside the Markdown report, the SVG itself inline in the HTML page.
struct picture {
  std::string file, title, svg;
};

using block = std::variant<heading, paragraph, quote, bullet_list, table, code_block, folded_code,
                           picture>;
using document = std::vector<block>;

/// The document as Markdown; pictures are referenced as files in pictures_dir ("" beside it).
std::string write_markdown(const document &d, const std::string &pictures_dir);
/// The document as HTML elements (no page around them): each level-2 and level-3 heading opens
/// a <section> with an id made from its words, pictures are inline, formulas are MathML.
std::string write_html(const document &d);

} // namespace gradlaws::detail
