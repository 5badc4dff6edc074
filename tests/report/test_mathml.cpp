// Formulas as MathML: every formula of the catalogue converts to well-formed MathML with no
// notation left over, and the notation's pieces become the elements a browser lays out.

#include <gradlaws/catalogue.hpp>
#include <gradlaws/mathml.hpp>
#include <gradlaws/report.hpp>
#include <gradlaws/svg.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using gradlaws::formula_mathml;

/// "" if every tag of xml is closed in order (and <x/> closes itself); else what is wrong.
std::string unbalanced(const std::string &xml) {
  std::vector<std::string> open;
  for (std::size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
    const std::size_t end = xml.find('>', at);
    if (end == std::string::npos) return "a '<' without '>'";
    const std::string tag = xml.substr(at + 1, end - at - 1);
    const std::string name = tag.substr(tag[0] == '/', tag.find_first_of(" /", 1) - (tag[0] == '/'));
    if (tag.back() == '/' || name == "br") continue; // <x/>, and HTML's <br>
    if (tag[0] != '/') open.push_back(name);
    else if (open.empty() || open.back() != name) return "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
    else open.pop_back();
  }
  return open.empty() ? "" : "<" + open.back() + "> is not closed";
}

/// The MathML before its annotation (the formula's own text).
std::string typeset(const std::string &mathml) { return mathml.substr(0, mathml.find("<annotation")); }

TEST(MathMl, EveryFormulaOfTheCatalogueIsWellFormedWithNoNotationLeft) {
  std::size_t formulas = 0;
  for (const auto *e : gradlaws::catalogue()) {
    const std::string m = formula_mathml(e->formula);
    ++formulas;
    EXPECT_EQ(unbalanced(m), "") << e->name << ": " << m;
    EXPECT_EQ(m.rfind("<math><semantics><mrow>", 0), 0u) << e->name;
    const std::string shown = typeset(m);
    for (const char *left : {"_{", "_", "^", "(1/", "Σ"}) EXPECT_EQ(shown.find(left), std::string::npos) << e->name << ": " << left << " in " << m;
    EXPECT_NE(m.find("<annotation encoding=\"text/plain\">"), std::string::npos) << e->name;
  }
  EXPECT_GT(formulas, 40u);
}

TEST(MathMl, SubscriptsAndSuperscriptsAreScriptsAndAPrimeFollowsItsLetter) {
  EXPECT_EQ(formula_mathml("σ′(z_i)"),
            "<math><semantics><mrow><mrow><mi>σ</mi><mo lspace=\"0\" rspace=\"0\">′</mo></mrow><mrow>"
            "<mo stretchy=\"false\">(</mo><msub><mi>z</mi><mi>i</mi></msub><mo stretchy=\"false\">)</mo></mrow></mrow>"
            "<annotation encoding=\"text/plain\">σ′(z_i)</annotation></semantics></math>");
  EXPECT_NE(formula_mathml("Σ_{i∈k} L_i").find("<msub><mo>∑</mo><mrow><mi>i</mi><mo>∈</mo><mi>k</mi></mrow></msub>"),
            std::string::npos);
  EXPECT_NE(formula_mathml("∇_θ L").find("<msub><mo rspace=\"0\">∇</mo><mi>θ</mi></msub>"), std::string::npos);
  EXPECT_NE(formula_mathml("x_12 + L_extra").find("<msub><mi>x</mi><mn>12</mn></msub><mo>+</mo><msub><mi>L</mi><mi>extra</mi></msub>"),
            std::string::npos);
  EXPECT_NE(formula_mathml("x^2 + x_i^{n+1}").find("<msup><mi>x</mi><mn>2</mn></msup>"), std::string::npos);
  EXPECT_NE(formula_mathml("x_i^{n+1}").find("<msubsup><mi>x</mi><mi>i</mi><mrow><mi>n</mi><mo>+</mo><mn>1</mn></mrow></msubsup>"),
            std::string::npos);
}

TEST(MathMl, SimpleQuotientsInBracketsAreFractions) {
  EXPECT_NE(formula_mathml("(1/N) Σ_i").find("<mfrac><mrow><mn>1</mn></mrow><mrow><mi>N</mi></mrow></mfrac><msub><mo>∑</mo>"),
            std::string::npos);
  EXPECT_NE(formula_mathml("(n_k/N)").find("<mfrac><mrow><msub><mi>n</mi><mi>k</mi></msub></mrow><mrow><mi>N</mi></mrow></mfrac>"),
            std::string::npos);
  EXPECT_NE(formula_mathml("(1/R′)").find("<mrow><mrow><mi>R</mi><mo lspace=\"0\" rspace=\"0\">′</mo></mrow></mrow></mfrac>"), std::string::npos);
  // With a script after it, the fraction keeps its brackets for the script to hang on.
  EXPECT_NE(formula_mathml("(∂J/∂θ_k)_k").find("<msub><mrow><mo>(</mo><mfrac><mrow><mo rspace=\"0\">∂</mo><mi>J</mi></mrow>"),
            std::string::npos);
  // Not simple: a bracket with spaces or operators in it, and a bare slash.
  EXPECT_EQ(formula_mathml("(a + b/c)").find("<mfrac>"), std::string::npos);
  EXPECT_NE(formula_mathml("N/K").find("<mi>N</mi><mo>/</mo><mi>K</mi>"), std::string::npos);
}

TEST(MathMl, WordsAreTextAndNamesCalledLikeFunctionsAreUpright) {
  EXPECT_NE(formula_mathml("n_k = N/K for every k  ⇒  J").find("<mtext>&#160;for every&#160;</mtext><mi>k</mi><mspace width=\"1em\"/><mo>⇒</mo>"),
            std::string::npos);
  EXPECT_NE(formula_mathml("w_i = Σ of example i's loss").find("<mtext>&#160;of example i&#39;s loss</mtext>"), std::string::npos);
  EXPECT_NE(formula_mathml("g = √ (RMSE), log-mean-exp").find("<mtext>&#160;log-mean-exp</mtext>"), std::string::npos);
  EXPECT_NE(formula_mathml("fl(∇J)").find("<mi>fl</mi><mrow><mo stretchy=\"false\">(</mo><mo rspace=\"0\">∇</mo><mi>J</mi>"), std::string::npos);
  EXPECT_NE(formula_mathml("backward_{x̄}(ē)").find("<msub><mi>backward</mi><mrow><mover accent=\"true\"><mi>x</mi><mo>¯</mo></mover></mrow></msub>"),
            std::string::npos);
  EXPECT_NE(formula_mathml("x_1..N").find("<mn>1</mn></msub><mo>…</mo><mi>N</mi>"), std::string::npos);
  EXPECT_NE(formula_mathml("0.25 - 2J").find("<mn>0.25</mn><mo>−</mo><mn>2</mn><mi>J</mi>"), std::string::npos);
}

TEST(MathMl, AnyTextGivesWellFormedMathMl) {
  for (const std::string &f : std::vector<std::string>{"", " ", "(", ")", "((a)", "a)", "_", "x_", "^", "{", "}", "Σ_{i", "Σ_{i}}", "(1/", "(/2)",
                              "a < b & c > \"d\"", "x̄̃", "\xff\xfe", "σ′′", std::string(200, '(') + "x",
                              std::string(200, '{'), "x_{" + std::string(100, '{')}) {
    const std::string m = formula_mathml(f);
    EXPECT_EQ(unbalanced(m), "") << f << " → " << m;
  }
  EXPECT_NE(formula_mathml("a < b & c").find("<mi>a</mi><mo>&lt;</mo><mi>b</mi><mo>&amp;</mo><mi>c</mi>"), std::string::npos);
}

TEST(MathMl, TheHtmlReportTypesetsEveryFormula) {
  gradlaws::run_options o;
  o.seed = 1;
  std::vector<gradlaws::report_input> in;
  for (const char *entry : {"linearity", "derivative_at_mean", "accumulation_mean_of_means"})
    in.push_back(gradlaws::report_input_of(gradlaws::find_entry(entry).run(gradlaws::find_entry(entry).variants().front(), o)));
  const std::string html = gradlaws::assemble_html_report(in, o, gradlaws::timings::omitted);
  const std::size_t main = html.find("<main>"), end = html.find("</main>") + 7;
  EXPECT_EQ(unbalanced(html.substr(main, end - main)), "") << "the page's elements nest";
  std::string shown; // the page without the formulas' annotations
  for (std::size_t at = 0; at < html.size();) {
    const std::size_t a = html.find("<annotation", at);
    shown += html.substr(at, a == std::string::npos ? std::string::npos : a - at);
    at = a == std::string::npos ? html.size() : html.find("</annotation>", a) + 13;
  }
  // An entry's formula is typeset wherever it is shown (words that merely quote notation, such
  // as a strategy's description in a result's details, stay words).
  for (const auto &i : in) EXPECT_EQ(shown.find(gradlaws::xml_escape(i.result.formula)), std::string::npos) << i.result.formula;
  EXPECT_EQ(shown.find("**"), std::string::npos) << "no Markdown in the page";
  EXPECT_NE(html.find("<mfrac>"), std::string::npos);
  EXPECT_NE(html.find("<td><math>"), std::string::npos) << "the catalogue's formulas";
}

} // namespace
