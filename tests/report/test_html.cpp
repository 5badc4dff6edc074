// The whole report from results made by hand (report/synthetic.hpp), independent of the
// catalogue: its Markdown is pinned byte for byte by a golden file written before the report
// layer was rebuilt on structured values, and its HTML page — generated from the same values,
// not from the Markdown — by a golden file of its own.

#include <gradlaws/error.hpp>
#include <gradlaws/report.hpp>
#include <gradlaws/svg.hpp>

#include <gtest/gtest.h>

#include "report/golden.hpp"
#include "report/synthetic.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace {

std::vector<gradlaws::report_input> synthetic_inputs() {
  std::vector<gradlaws::report_input> in;
  for (const auto &x : synthetic::results()) in.push_back({x.result, x.family, x.boundary});
  return in;
}

gradlaws::run_options seed_one() {
  gradlaws::run_options o;
  o.seed = 1;
  return o;
}

TEST(HtmlAndMarkdown, TheMarkdownReportOfEveryKindOfOutcomeMatchesItsGolden) {
  golden::expect("report.synthetic.md", gradlaws::assemble_markdown_report(synthetic_inputs(), seed_one(),
                                                                           gradlaws::timings::shown, "pictures"));
}

TEST(HtmlAndMarkdown, TheHtmlPageOfEveryKindOfOutcomeMatchesItsGolden) {
  golden::expect("report.synthetic.html",
                 gradlaws::assemble_html_report(synthetic_inputs(), seed_one(), gradlaws::timings::shown));
}

TEST(HtmlAndMarkdown, TheHtmlPageIsWrittenFromTheValuesNotFromMarkdown) {
  const std::string html = gradlaws::assemble_html_report(synthetic_inputs(), seed_one(), gradlaws::timings::shown);
  // The answer first, in the page's words.
  EXPECT_NE(html.find("<section id=\"the-answer\">\n<h2>The answer</h2>\n<blockquote><p>Is the gradient"), std::string::npos);
  EXPECT_NE(html.find("<p><strong>The linearity law FAILED here</strong> (see below). Differentiation is linear, "
                      "so for per-example losses <math>"),
            std::string::npos);
  // A section per counterexample, addressable by its words.
  EXPECT_NE(html.find("<section id=\"fallacy-derivative_at_mean-sigmoid_high-refuted-as-expected\">\n<h3>fallacy "
                      "<code>derivative_at_mean</code> [sigmoid_high]: REFUTED (as expected)</h3>"),
            std::string::npos);
  EXPECT_NE(html.find("<h3>law <code>linearity</code> [tanh_high]: <strong>FAIL</strong></h3>"), std::string::npos);
  // Text is text: Markdown's characters in a value are shown as they are, a newline in a cell
  // is a line break, and a table without column names has no header row.
  EXPECT_NE(html.find("<tr><td>*stars* and `ticks`</td><td>&lt;b&gt;&amp;&lt;/b&gt;</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>a | in a value</td><td>line one<br>line two</td></tr>"), std::string::npos);
  EXPECT_EQ(html.find("<th></th>"), std::string::npos);
  EXPECT_NE(html.find("<p><strong>Message.</strong> unknown activation &#39;sigmoidd&#39; (*known*: `relu`, σ)</p>"),
            std::string::npos);
  // Tables, code, the folded regression test, a picture that cannot be drawn.
  EXPECT_NE(html.find("<tr><th>law</th><th>claim</th><th>result</th><th>cases</th><th>verdicts</th></tr>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">200</td>"), std::string::npos);
  EXPECT_NE(html.find("<pre><code class=\"language-text\">z  [0, 1]\n</code></pre>"), std::string::npos);
  EXPECT_NE(html.find("<details><summary>Regression test</summary>\n<pre><code class=\"language-cpp\">TEST(Regression"),
            std::string::npos);
  EXPECT_NE(html.find("<p><em>Picture &quot;Jensen&#39;s gap: σ′ at the mean is not the mean of σ′&quot; unavailable: "),
            std::string::npos);
  // Pictures inline, the answer's one shown again in its section under a second id.
  const std::string file = "fallacy_derivative_at_mean.sigmoid_high.jensen-gap.svg";
  EXPECT_NE(html.find("<figure id=\"" + file + "\">\n<svg"), std::string::npos);
  EXPECT_NE(html.find("<figure id=\"" + file + "-2\">\n<svg"), std::string::npos);
  EXPECT_NE(html.find("<figure id=\"law_nonlinear_reduction_affine.affine.held-picture.svg\">"), std::string::npos);
  // Nothing from elsewhere.
  for (const char *outside : {"<script", "src=\"", "href=\"", "@import", "url("}) EXPECT_EQ(html.find(outside), std::string::npos) << outside;
}

TEST(HtmlAndMarkdown, WrittenPicturesAreTheDrawnFigures) {
  const std::string dir = testing::TempDir() + "gradlaws-synthetic-pictures";
  const auto in = synthetic_inputs();
  EXPECT_EQ(gradlaws::write_pictures(in, dir), 2u) << "the sigmoid's and the held law's; the broken one is not drawn";
  EXPECT_EQ(golden::read_file(dir + "/fallacy_derivative_at_mean.sigmoid_high.jensen-gap.svg"),
            gradlaws::render_svg(synthetic::jensen_figure()));
  std::filesystem::remove_all(dir);
  EXPECT_THROW((void)gradlaws::write_pictures(in, "/proc/no-such-dir/pictures"), gradlaws::error);
}

} // namespace
