// A run result as JSON both ways: result_json writes every field, read_result_json reads it
// back, and every format renders the result read back byte for byte as it rendered the
// original. Malformed JSON is an error that says where and what.

#include <gradlaws/catalogue.hpp>
#include <gradlaws/error.hpp>
#include <gradlaws/judge.hpp>
#include <gradlaws/rounded.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "report/synthetic.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

gradlaws::run_result catalogue_run(const std::string &entry, const std::string &variant) {
  gradlaws::run_options o;
  o.seed = 1;
  return gradlaws::find_entry(entry).run(variant, o);
}

/// Strings a writer gets wrong: quotes, backslashes, control characters (NUL too), Markdown's
/// and HTML's own characters, and UTF-8 of two, three and four bytes.
gradlaws::run_result awkward_strings() {
  gradlaws::run_result r = synthetic::results()[3].result; // the sigmoid fallacy: every part set
  r.claim = "say \"σ′(z̄)\" and ∇ \\ back\tslash\r\n next line";
  const char message[] = "a NUL \0 inside, a bell \a, and 𝔼[∇L]";
  r.message = std::string(message, sizeof message - 1);
  r.details.push_back({"\"quoted\" | piped", "<tag> & 'apostrophe' `tick` *star*"});
  r.figures[0].data[0].point_labels = {"∇L_1", "σ′", "x̄", "ŷ", "\u00e9"};
  r.counterexample += "\n\ttabbed \"line\"\n";
  r.regression = "TEST(A, B) {\n  EXPECT_EQ(\"a\\n\", std::string(\"a\\n\"));\n}\n";
  r.seed = std::numeric_limits<std::uint64_t>::max();
  r.seconds = 0.1 + 0.2; // not a short decimal: must read back to the same double
  r.shrinks = std::numeric_limits<int>::min();
  return r;
}

std::vector<gradlaws::run_result> representative() {
  std::vector<gradlaws::run_result> all{catalogue_run("linearity", "relu_exact"),
                                        catalogue_run("derivative_at_mean", "sigmoid_high"),
                                        awkward_strings()};
  for (const auto &x : synthetic::results()) all.push_back(x.result);
  return all;
}

TEST(Json, EveryFieldOfAResultSurvivesTheTripAndEveryFormatRendersItTheSame) {
  std::vector<gradlaws::report_input> before, after;
  for (const gradlaws::run_result &r : representative()) {
    const std::string json = gradlaws::result_json(r);
    const gradlaws::run_result back = gradlaws::read_result_json(json);
    EXPECT_EQ(gradlaws::result_json(back), json) << r.test_name;
    for (auto t : {gradlaws::timings::shown, gradlaws::timings::omitted}) {
      EXPECT_EQ(gradlaws::render_markdown(back, t), gradlaws::render_markdown(r, t)) << r.test_name;
      EXPECT_EQ(gradlaws::render_json(back, t), gradlaws::render_json(r, t)) << r.test_name;
      EXPECT_EQ(gradlaws::render_text(back, t), gradlaws::render_text(r, t)) << r.test_name;
      EXPECT_EQ(gradlaws::summary_line(back, t), gradlaws::summary_line(r, t)) << r.test_name;
    }
    EXPECT_EQ(back.seconds, r.seconds) << r.test_name;
    EXPECT_EQ(back.seed, r.seed) << r.test_name;
    before.push_back(gradlaws::report_input_of(r));
    after.push_back(gradlaws::report_input_of(back));
  }
  gradlaws::run_options o;
  EXPECT_EQ(gradlaws::assemble_markdown_report(after, o), gradlaws::assemble_markdown_report(before, o));
  EXPECT_EQ(gradlaws::assemble_html_report(after, o), gradlaws::assemble_html_report(before, o));
}

TEST(Json, TheFullFormCarriesWhatTheReportFormLeavesAsText) {
  const gradlaws::run_result r = awkward_strings();
  const std::string json = gradlaws::result_json(r);
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1) << "one line, for a pipe or a log";
  EXPECT_NE(json.find("\"seed\": \"18446744073709551615\""), std::string::npos);
  EXPECT_NE(json.find("\"seconds\": 0.30000000000000004"), std::string::npos);
  EXPECT_NE(json.find("\"distance\": {\"mantissa\": 4.97765, \"exponent\": -2}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"found\": \"did not shrink\""), std::string::npos);
  EXPECT_NE(json.find("\"style\": \"points\""), std::string::npos);
  EXPECT_NE(json.find("a NUL \\u0000 inside, a bell \\u0007"), std::string::npos);
  EXPECT_NE(json.find("𝔼[∇L]"), std::string::npos) << "UTF-8 is written as it is";
  // Values JSON has no number for.
  gradlaws::run_result m = synthetic::results()[7].result; // a machine verdict, a NaN in a figure
  const std::string mj = gradlaws::result_json(m);
  EXPECT_NE(mj.find("\"bound\": \"Infinity\""), std::string::npos) << mj;
  EXPECT_NE(mj.find("\"NaN\""), std::string::npos) << mj;
  const gradlaws::run_result back = gradlaws::read_result_json(mj);
  EXPECT_TRUE(std::isinf(back.found->rounding[1].bound));
  EXPECT_TRUE(std::isnan(back.figures[0].data[0].y[1]));
}

/// True if text prints a negative zero: "-0" followed by neither a digit nor a decimal point.
bool prints_negative_zero(const std::string &text) {
  for (auto at = text.find("-0"); at != std::string::npos; at = text.find("-0", at + 1)) {
    const char next = at + 2 < text.size() ? text[at + 2] : ' ';
    if (!std::isdigit(static_cast<unsigned char>(next)) && next != '.') return true;
  }
  return false;
}

TEST(Json, ANegativeZeroIsPrintedAsZeroInJsonMarkdownAndText) {
  using gradlaws::high;
  using gradlaws::interval;
  const gradlaws::precision_scope scope(50);
  gradlaws::run_result r = synthetic::results()[3].result;
  // MPFI keeps the enclosure [0, 0] as [+0, −0]; the second component is disjoint.
  gradlaws::sides<interval> enclosures{gradlaws::vec<interval>{{interval(0), interval(1)}},
                                       gradlaws::vec<interval>{{interval(0), interval(2)}}};
  r.certificate = gradlaws::judge_interval("σ′ at the mean", "mean of σ′(z_i)", 50, enclosures);
  ASSERT_EQ(r.certificate->kind, gradlaws::verdict_kind::certified_different);
  // A double side with a −0 component against an exact +0.
  gradlaws::machine_sides<double> m;
  m.computed = {gradlaws::vec<double>{{-0.0, 0.25}}, gradlaws::vec<double>{{0.0, 0.25}}};
  m.exact = {gradlaws::vec<high>{{-high(0), high(0.25)}}, gradlaws::vec<high>{{high(0), high(0.25)}}};
  const gradlaws::rounded<double> minus_zero(-0.0, 0.0), quarter(0.25, 0.0);
  m.bound = {gradlaws::vec<gradlaws::rounded<double>>{{minus_zero, quarter}},
             gradlaws::vec<gradlaws::rounded<double>>{{minus_zero, quarter}}};
  r.found = gradlaws::judge_machine<double>("batched", "per example", 50, m);
  for (const std::string &text : {gradlaws::render_json(r), gradlaws::render_markdown(r), gradlaws::render_text(r)}) {
    EXPECT_FALSE(prints_negative_zero(text)) << text;
    EXPECT_NE(text.find("[0, 0.25]"), std::string::npos) << text; // the machine verdict's sides
  }
  EXPECT_NE(gradlaws::render_json(r).find("[[0, 0], [1, 1]]"), std::string::npos) << gradlaws::render_json(r);
}

/// The message read_result_json throws for json, or "" if it reads.
std::string problem(const std::string &json) {
  try {
    (void)gradlaws::read_result_json(json);
  } catch (const gradlaws::error &e) {
    return e.what();
  }
  return "";
}

/// A valid result's JSON with one piece of it replaced.
std::string edited(const std::string &from, const std::string &to) {
  std::string json = gradlaws::result_json(synthetic::results()[3].result);
  const auto at = json.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? json : json.replace(at, from.size(), to);
}

TEST(Json, MalformedJsonIsNamedWhereItGoesWrong) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "line 1 column 1: expected a value, found the end of the text"},
      {"{\"entry\": }", "line 1 column 11: expected a value (an object, array, string, number, true, false or "
                        "null), found '}'"},
      {"{\n  \"σ′\" \"x\"}", "line 2 column 8: expected ':' after a member name, found '\"'"},
      {"{\"entry\": \"x", "line 1 column 13: a string that does not end (a '\"' is missing)"},
      {"[1, 2", "line 1 column 6: expected ']' or ',' after an array's item, found the end of the text"},
      {"{\"a\": \"\\q\"}", "line 1 column 9: unknown escape '\\q' in a string"},
      {"{\"a\": \"\\u12\"}", "line 1 column 12: expected four hexadecimal digits after \\u, found '\"'"},
      {"{\"a\": \"tab\tinside\"}", "line 1 column 11: a control character in a string (write it as \\u00XX)"},
      {"{\"a\": 1.}", "line 1 column 9: expected a digit in a number, found '}'"},
      {"{} {}", "line 1 column 4: unexpected text after the JSON value"},
      {std::string(100000, '['), "line 1 column 258: nested deeper than 256 levels"}};
  for (const auto &[json, message] : cases) EXPECT_EQ(problem(json), "result JSON, " + message) << json.substr(0, 40);
}

TEST(Json, AFieldThatIsMissingUnknownOfTheWrongTypeOrOutOfRangeIsNamedByItsPath) {
  EXPECT_EQ(problem("[]"), "result JSON: 'the result' should be an object, not an array");
  EXPECT_EQ(problem("{}"), "result JSON: 'entry' is missing");
  // {what a valid result's JSON says, what it says instead, the message}
  const std::vector<std::array<std::string, 3>> cases{
      {"\"cases\": 18", "\"cases\": \"18\"", "'cases' should be a number, not a string"},
      {"\"cases\": 18", "\"cases\": 1.5", "'cases' is 1.5, not an integer"},
      {"\"cases\": 18", "\"cases\": 99999999999", "'cases' is 99999999999, out of the range of its type"},
      {"\"kind\": \"fallacy\"", "\"kind\": \"fallacyy\"",
       "'kind' is 'fallacyy'; expected one of 'law', 'boundary law', 'fallacy'"},
      {"\"rung\": \"interval\"", "\"rung\": \"intervals\"",
       "'certificate.rung' is 'intervals'; expected one of 'exact', 'high', 'interval', 'machine'"},
      {"\"seed\": \"", "\"seed\": \"-", "'seed' is -17219367378627955090, not an integer"},
      {"\"x\": [-1,", "\"x\": [true,", "'figures[0].data[0].x[0]' should be a number, not a boolean"},
      {"\"mantissa\": 4.97765", "\"mantissa\": \"big\"",
       "'verdict.distance.mantissa' is \"big\": expected a number, \"NaN\", \"Infinity\" or \"-Infinity\""},
      {"\"details\": [[", "\"details\": [[\"one\"], [", "'details[0]' should be a [name, value] pair, not 1 items"},
      {"{\"entry\"", "{\"entri\": 1, \"entry\"", "'entri' is not a field of this object"},
      {"{\"entry\"", "{\"entry\": \"x\", \"entry\"", "'the result' has a field more than once"},
      {"\"certificate\": {", "\"certificate\": {\"extra\": null, ", "'certificate.extra' is not a field of this object"},
      {"\"seconds\": 0.125", "\"seconds\": 1e999", "'seconds' is 1e999, which is not a finite double"}};
  for (const auto &[from, to, message] : cases) EXPECT_EQ(problem(edited(from, to)), "result JSON: " + message) << to;
}

} // namespace
