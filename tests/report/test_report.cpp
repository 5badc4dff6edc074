// Approval tests of the report format: selected catalogue entries run at fixed seeds and
// rendered without timings must match the golden files in tests/golden/ byte for byte.
// Regenerate them after an intended format change with GRADLAWS_UPDATE_GOLDEN=1.

#include <gradlaws/catalogue.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "tests_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

std::string golden_path(const std::string &name) {
  return std::string(GRADLAWS_GOLDEN_DIR) + "/" + name;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_golden(const std::string &name, const std::string &actual) {
  const std::string path = golden_path(name);
  if (std::getenv("GRADLAWS_UPDATE_GOLDEN")) {
    std::ofstream(path) << actual;
    GTEST_SKIP() << "updated " << name;
  }
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << "missing golden file " << name
                                 << "; run with GRADLAWS_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(actual, expected) << "the report format changed; if intended, regenerate with "
                                 "GRADLAWS_UPDATE_GOLDEN=1";
}

gradlaws::run_result run(const std::string &entry, const std::string &variant) {
  gradlaws::run_options o;
  o.seed = 1;
  return gradlaws::find_entry(entry).run(variant, o);
}

TEST(ReportFormat, SigmoidFallacyMatchesGoldenMarkdownAndJson) {
  const auto r = run("derivative_at_mean", "sigmoid_high");
  expect_golden("derivative_at_mean.sigmoid_high.md", render_markdown(r, gradlaws::timings::omitted));
  expect_golden("derivative_at_mean.sigmoid_high.json", render_json(r, gradlaws::timings::omitted));
}

TEST(ReportFormat, LinearRegressionFallacyMatchesGoldenMarkdown) {
  const auto r = run("gradient_at_mean_example", "linear_regression");
  expect_golden("gradient_at_mean_example.linear_regression.md",
                render_markdown(r, gradlaws::timings::omitted));
}

TEST(ReportFormat, HeldLawMatchesGoldenMarkdown) {
  const auto r = run("linearity", "relu_exact");
  expect_golden("linearity.relu_exact.md", render_markdown(r, gradlaws::timings::omitted));
}

TEST(ReportFormat, SigmoidEntryShowsTheSeedNumbers) {
  const auto r = run("derivative_at_mean", "sigmoid_high");
  const std::string md = render_markdown(r, gradlaws::timings::omitted);
  EXPECT_NE(md.find("[0, 1]"), std::string::npos);
  EXPECT_NE(md.find("0.23500"), std::string::npos);
  EXPECT_NE(md.find("0.22331"), std::string::npos);
  EXPECT_NE(md.find("certified different"), std::string::npos);
}

TEST(ReportFormat, TheSameSeedGivesAByteIdenticalReport) {
  const auto a = run("mean_error_backprop", "relu_exact");
  const auto b = run("mean_error_backprop", "relu_exact");
  EXPECT_EQ(render_markdown(a, gradlaws::timings::omitted), render_markdown(b, gradlaws::timings::omitted));
  EXPECT_EQ(render_json(a, gradlaws::timings::omitted), render_json(b, gradlaws::timings::omitted));
  std::vector<gradlaws::run_result> all{a, run("linearity", "sigmoid_high")};
  std::vector<gradlaws::run_result> again{b, run("linearity", "sigmoid_high")};
  gradlaws::run_options o;
  o.seed = 1;
  EXPECT_EQ(render_markdown_report(all, o, gradlaws::timings::omitted),
            render_markdown_report(again, o, gradlaws::timings::omitted));
}

TEST(ReportFormat, DraftedRegressionMatchesTheCompiledRegressionTest) {
  // tests/test_drafted_regression.cpp is this draft, compiled and run as part of the suite:
  // the draft is known to compile and to pass.
  const auto r = run("gradient_at_mean_example", "linear_regression");
  const std::string compiled = read_file(std::string(GRADLAWS_TESTS_DIR) + "/report/test_drafted_regression.cpp");
  if (std::getenv("GRADLAWS_UPDATE_GOLDEN")) {
    std::ofstream(std::string(GRADLAWS_TESTS_DIR) + "/report/test_drafted_regression.cpp") << r.regression;
    GTEST_SKIP() << "updated test_drafted_regression.cpp";
  }
  EXPECT_EQ(r.regression, compiled);
}

TEST(ReportFormat, WholeReportHasASummaryTableAndTheCounterexamples) {
  std::vector<gradlaws::run_result> results{run("linearity", "relu_exact"),
                                            run("derivative_at_mean", "cube_exact")};
  gradlaws::run_options o;
  o.seed = 1;
  const std::string md = render_markdown_report(results, o, gradlaws::timings::shown);
  EXPECT_NE(md.find("| entry | kind | variant | result | verdict | shrunk counterexample | time |"), std::string::npos);
  EXPECT_NE(md.find("### fallacy `derivative_at_mean` [cube_exact]"), std::string::npos);
  EXPECT_NE(md.find("[3/4]"), std::string::npos); // σ′(1/2) = 3·(1/2)²
  EXPECT_NE(md.find("[3/2]"), std::string::npos); // (σ′(0) + σ′(1))/2 = (0 + 3)/2
  EXPECT_NE(md.find(" s |"), std::string::npos);  // timings shown
}

} // namespace
