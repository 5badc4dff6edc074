// The terminal: version, one-line errors with a did-you-mean, summaries, colour, line width.

#include "cli.hpp"
#include "cli_support.hpp"

#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

namespace {

using cli_support::lines_of;
using cli_support::run;
using cli_support::slurp;
using gradlaws::cli::closest_name;
using gradlaws::cli::colour_wanted;
using gradlaws::columns;
using gradlaws::cli::edit_distance;

TEST(Cli, EditDistanceCountsEditsAndSwaps) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("list", "list"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);           // a swap of neighbours
  EXPECT_EQ(edit_distance("linearty", "linearity"), 1u);  // an insertion
  EXPECT_EQ(edit_distance("--varient", "--variant"), 1u); // a substitution
  EXPECT_EQ(edit_distance("checks", "check"), 1u);        // a deletion
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u); // optimal string alignment: no edit of a swapped pair
  EXPECT_EQ(edit_distance("abcdef", "badcfe"), 3u);
  EXPECT_EQ(edit_distance("relu_exactly", "relu_exact"), edit_distance("relu_exact", "relu_exactly"));
}

TEST(Cli, ClosestNameSuggestsOnlyLikelyTypos) {
  const std::vector<std::string> commands{"list", "check", "report", "rates", "sweep", "gallery"};
  EXPECT_EQ(closest_name("lsit", commands), "list");
  EXPECT_EQ(closest_name("chekc", commands), "check");
  EXPECT_EQ(closest_name("galery", commands), "gallery");
  EXPECT_EQ(closest_name("frobnicate", commands), std::nullopt);
  EXPECT_EQ(closest_name("x", commands), std::nullopt); // nothing replaces a whole name
  EXPECT_EQ(closest_name("--varient", {"--variant", "--variants", "--seed"}), "--variant");
  // The limit grows with the name: max(2, length/3) edits.
  EXPECT_EQ(closest_name("acumulaton_corect", {"accumulation_correct"}), "accumulation_correct");
  EXPECT_EQ(closest_name("acc_corect", {"accumulation_correct"}), std::nullopt);
  // No typo, but the start of exactly one name.
  EXPECT_EQ(closest_name("strategy", {"strategy_weights", "linearity"}), "strategy_weights");
  EXPECT_EQ(closest_name("replica", {"replica_single", "replica_equal_shards"}), std::nullopt);
}

TEST(Cli, ColumnsCountCodePoints) {
  EXPECT_EQ(columns(""), 0u);
  EXPECT_EQ(columns("list"), 4u);
  EXPECT_EQ(columns("∇J = Σ_i"), 8u);
  EXPECT_EQ(columns("σ′(z)"), 5u);
}

TEST(Cli, ColourIsForTerminalsUnlessNoColorIsSet) {
  EXPECT_TRUE(colour_wanted("auto", true, nullptr, "xterm-256color"));
  EXPECT_FALSE(colour_wanted("auto", false, nullptr, "xterm-256color")); // piped
  EXPECT_FALSE(colour_wanted("auto", true, "1", "xterm"));               // NO_COLOR=1
  EXPECT_TRUE(colour_wanted("auto", true, "", "xterm"));                 // NO_COLOR empty: unset
  EXPECT_FALSE(colour_wanted("auto", true, nullptr, "dumb"));
  EXPECT_TRUE(colour_wanted("always", false, "1", "dumb")); // the flag overrides NO_COLOR
  EXPECT_FALSE(colour_wanted("never", true, nullptr, "xterm"));
}

TEST(Cli, VersionPrintsOneLineWithTheProjectVersion) {
  const auto r = run({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "gradlaws " GRADLAWS_VERSION "\n");
  EXPECT_TRUE(std::regex_match(r.out, std::regex("gradlaws [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << r.out;
  EXPECT_TRUE(r.err.empty());
  EXPECT_EQ(run({"version"}).out, r.out);
  EXPECT_EQ(run({"check", "linearity", "--version"}).out, r.out);
  EXPECT_EQ(gradlaws::cli::version_line() + "\n", r.out);
}

TEST(Cli, HelpPrintsTheUsageToStdoutWhateverElseIsGiven) {
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"--help"}, {"help"}, {"-h"}, {"check", "linearity", "--help"},
        {"list", "--help"}}) {
    const auto r = run(args);
    EXPECT_EQ(r.status, 0) << args.front();
    EXPECT_EQ(r.out, gradlaws::cli::usage()) << args.front();
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST(Cli, ErrorsAreOneLineAndOneHintWithTheClosestName) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"lsit"},
       "gradlaws: unknown command 'lsit'\n"
       "hint: did you mean 'list'? (gradlaws --help lists the commands)\n"},
      {{"check", "linearity", "--varient", "relu_exact"},
       "gradlaws: unknown flag '--varient'\n"
       "hint: did you mean '--variant'? (gradlaws --help lists the flags)\n"},
      {{"check", "linearty"},
       "gradlaws: unknown catalogue entry 'linearty'\n"
       "hint: did you mean 'linearity'? (gradlaws list shows the catalogue's entries)\n"},
      {{"check", "linearity", "--variant", "relu_exactly"},
       "gradlaws: linearity has no variant 'relu_exactly'\n"
       "hint: did you mean 'relu_exact'? (gradlaws list --variants shows each entry's variants)\n"},
      {{"list", "activation"},
       "gradlaws: unknown registry 'activation'\n"
       "hint: did you mean 'activations'? (gradlaws --help lists the registries)\n"},
      {{"gallery", "missing_one_over_m"},
       "gradlaws: unknown gallery case 'missing_one_over_m'\n"
       "hint: did you mean 'missing_one_over_n'? (gradlaws list gallery shows the gallery's "
       "cases)\n"},
      {{"check", "nothing_like_it"},
       "gradlaws: unknown catalogue entry 'nothing_like_it'\n"
       "hint: gradlaws list shows the catalogue's entries\n"},
      {{"list", "linearity"},
       "gradlaws: unknown registry 'linearity'\n"
       "hint: 'linearity' is a catalogue entry; gradlaws check linearity runs it\n"},
      {{"check", "linearity", "--seed=3"},
       "gradlaws: unknown flag '--seed=3'\nhint: give the value after a space: --seed 3\n"},
      {{"check", "linearity", "--format", "jsno"},
       "gradlaws: --format is 'text', 'markdown' or 'json', got 'jsno'\n"
       "hint: did you mean 'json'? (gradlaws --help describes the flags)\n"},
      {{"list", "--seed", "3"},
       "gradlaws: --seed goes with 'check', 'report', 'rates', 'sweep' or 'gallery', not with "
       "'list'\nhint: gradlaws --help shows which flags go with which command\n"},
  };
  for (const auto &[args, expected] : cases) {
    const auto r = run(args);
    EXPECT_EQ(r.status, 2) << expected;
    EXPECT_EQ(r.err, expected);
    EXPECT_TRUE(r.out.empty()) << r.out;
    // check_arguments (the fuzz target's entry) refuses them in the same words.
    std::ostringstream err;
    EXPECT_EQ(gradlaws::cli::check_arguments(args, err), 2);
    EXPECT_EQ(err.str(), expected);
  }
  for (const auto &[args, expected] : cases) EXPECT_EQ(lines_of(run(args).err).size(), 2u);
}

TEST(Cli, CheckEndsWithASummaryCountedFromTheRuns) {
  const auto laws = run({"check", "linearity", "--cases", "3", "--no-timings"});
  EXPECT_EQ(laws.status, 0) << laws.err;
  const std::string held = "\n21 variants: 21 held (63 cases)\n";
  ASSERT_GE(laws.out.size(), held.size());
  EXPECT_EQ(laws.out.substr(laws.out.size() - held.size()), held) << laws.out;
  const auto fallacies = run({"check", "derivative_at_mean", "--no-timings"});
  EXPECT_EQ(fallacies.status, 0) << fallacies.err;
  EXPECT_NE(fallacies.out.find("\n11 variants: 11 refuted as expected\n"), std::string::npos);
  const auto both = run({"check", "linearity", "derivative_at_mean", "--variant", "relu_exact",
                         "--cases", "1200", "--no-timings"});
  EXPECT_NE(both.out.find("\n2 variants: 1 held (1,200 cases), 1 refuted as expected\n"),
            std::string::npos) << both.out;
  // One case is too few to refute the fallacy: the failure is named, and the exit status is 1.
  const auto failed = run({"check", "linearity", "derivative_at_mean", "--variant", "relu_exact",
                           "--cases", "1", "--no-timings"});
  EXPECT_EQ(failed.status, 1);
  EXPECT_NE(failed.out.find("\n2 variants: 1 held (1 case), 1 FAILED: derivative_at_mean "
                            "[relu_exact]\n"), std::string::npos) << failed.out;
  // Beside JSON the summary goes to stderr, so that stdout stays one JSON array.
  const auto json = run({"check", "linearity", "--variant", "relu_exact", "--cases", "2",
                         "--format", "json"});
  EXPECT_EQ(json.out.substr(json.out.size() - 2), "]\n");
  EXPECT_EQ(json.err, "1 variant: 1 held (2 cases)\n");
}

TEST(Cli, RatesEndsWithASummary) {
  const auto r = run({"rates", "derivative_at_mean", "--seeds", "2", "--no-timings"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\n11 variants: 11 refuted as expected\n"), std::string::npos) << r.out;
}

TEST(Cli, ReportEndsWithASummaryAndThePath) {
  const std::string path = testing::TempDir() + "gradlaws-summary.md";
  const auto r = run({"report", "--kind", "fallacy", "--cases", "20", "--no-timings", "--out", path});
  std::remove(path.c_str());
  std::filesystem::remove_all(testing::TempDir() + "gradlaws-summary-pictures");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("^[0-9]+ variants: [0-9]+ refuted as expected\n"
                                                  "report written to .*gradlaws-summary\\.md "
                                                  "\\([0-9]+ pictures in .*gradlaws-summary-pictures\\)\n$")))
      << r.out;
}

TEST(Cli, ReportWithHtmlWritesOneSelfContainedPageBesideTheMarkdownAndItsPictures) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(testing::TempDir()) / "gradlaws-html";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto r = run({"report", "--kind", "fallacy", "--cases", "20", "--no-timings", "--html",
                      "--out", (dir / "answer.md").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("HTML report written to " + (dir / "answer.html").string() + "\n"), std::string::npos) << r.out;
  const std::string html = slurp((dir / "answer.html").string()), md = slurp((dir / "answer.md").string());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Pictures inline; nothing fetched: no script, no stylesheet or image from elsewhere.
  std::set<std::string> inline_svgs; // the answer shows one of them twice
  for (auto at = html.find("<figure id=\""); at != std::string::npos; at = html.find("<figure id=\"", at + 1)) {
    const auto from = at + std::string("<figure id=\"").size();
    std::string id = html.substr(from, html.find('"', from) - from);
    inline_svgs.insert(id.substr(0, id.find(".svg") + 4));
    EXPECT_EQ(html.compare(html.find('>', at) + 1, 5, "\n<svg"), 0) << id;
  }
  std::size_t files = 0;
  for (const auto &f : fs::directory_iterator(dir / "answer-pictures")) {
    ++files;
    EXPECT_NE(md.find("](answer-pictures/" + f.path().filename().string() + ")"), std::string::npos) << f.path();
    EXPECT_EQ(slurp(f.path().string()).rfind("<svg xmlns=", 0), 0u) << f.path();
  }
  EXPECT_GT(files, 10u);
  EXPECT_EQ(inline_svgs.size(), files);
  for (const char *outside : {"<script", "src=\"http", "href=\"http", "@import", "url(http"})
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  fs::remove_all(dir);
  EXPECT_NE(run({"check", "linearity", "--html"}).err.find("--html goes with 'report'"), std::string::npos);
}

TEST(Cli, ColourOnlyTheStatusWordsAndOnlyWhenAsked) {
  const std::vector<std::string> args{"check", "linearity", "derivative_at_mean", "--variant",
                                      "relu_exact", "--cases", "10", "--no-timings"};
  auto with = [&](const char *flag) {
    std::vector<std::string> v = args;
    if (*flag) v.push_back(flag);
    return run(v);
  };
  const auto plain = with(""), never = with("--color=never"), always = with("--color=always");
  // Piped (a string stream here), auto colours nothing.
  EXPECT_EQ(plain.out.find('\033'), std::string::npos);
  EXPECT_EQ(never.out, plain.out);
  EXPECT_NE(always.out.find("\033[32mPASS\033[0m"), std::string::npos) << always.out;
  // The fallacy's heading too, whatever its word for "refuted as expected".
  EXPECT_TRUE(std::regex_search(always.out, std::regex("fallacy derivative_at_mean \\[relu_exact\\]: "
                                                       "\033\\[32m[A-Z]+\033\\[0m")))
      << always.out;
  EXPECT_NE(always.out.find("1 \033[32mheld\033[0m (10 cases), 1 \033[32mrefuted\033[0m as expected"),
            std::string::npos) << always.out;
  // Without its escape codes, the coloured text is the plain one, byte for byte.
  EXPECT_EQ(std::regex_replace(always.out, std::regex("\033\\[[0-9;]*m"), ""), plain.out);
  EXPECT_EQ(run({"check", "linearity", "--color", "always", "--variant", "relu_exact", "--cases",
                 "2"}).status, 0);
  const auto bad = run({"list", "--color=sometimes"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "gradlaws: --color is 'auto', 'always' or 'never', got 'sometimes'\n"
                     "hint: gradlaws --help describes the flags\n");
}

TEST(Cli, NoColorKeepsAutoPlain) {
  ::setenv("NO_COLOR", "1", 1);
  const auto r = run({"check", "linearity", "--variant", "relu_exact", "--cases", "2"});
  ::unsetenv("NO_COLOR");
  EXPECT_EQ(r.out.find('\033'), std::string::npos);
  EXPECT_TRUE(colour_wanted("auto", true, std::getenv("NO_COLOR"), nullptr));
}

TEST(Cli, ListShowsTheGalleryAndEveryRegistryByName) {
  const auto g = run({"list", "gallery"});
  EXPECT_EQ(g.status, 0);
  EXPECT_NE(g.out.find("missing_one_over_n"), std::string::npos);
  EXPECT_NE(g.out.find(" gallery cases registered\n"), std::string::npos) << g.out;
  const auto v = run({"list", "--variants", "--kind", "fallacy"});
  EXPECT_NE(v.out.find("derivative_at_mean"), std::string::npos);
  EXPECT_EQ(v.out.find("linearity"), std::string::npos);
  EXPECT_EQ(run({"list", "activations", "losses"}).status, 2);
}

/// Lines of `text` wider than 100 columns, except a line whose extra width is one word that
/// cannot be broken (a reproduce token: it must stay copyable) and a drafted test's source.
std::vector<std::string> wide_lines(const std::string &text) {
  std::vector<std::string> wide;
  bool code = false; // a drafted regression test is source code, printed as written
  for (const std::string &line : lines_of(text)) {
    code = line == "regression test" || (code && (line.empty() || line.rfind("    ", 0) == 0));
    if (code || columns(line) <= 100) continue;
    std::size_t longest = 0;
    std::istringstream words(line);
    for (std::string w; words >> w;) longest = std::max(longest, columns(w));
    if (longest <= 60) wide.push_back(line);
  }
  return wide;
}

TEST(Cli, EveryLineTheCommandLinePrintsFitsOneHundredColumns) {
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"--help"}, {"list"}, {"list", "--variants"}, {"list", "activations"},
        {"list", "losses"}, {"list", "layers"}, {"list", "strategies"}, {"list", "gallery"},
        {"check", "linearity", "--cases", "2"}, {"check", "derivative_at_mean", "--cases", "1"},
        {"check", "derivative_at_mean", "linearity", "oracle_agreement", "--cases", "1"},
        {"rates", "derivative_at_mean", "--seeds", "1"}, {"lsit"}, {"check", "linearty"},
        {"list", "activation"}, {"check", "linearity", "--variant", "no_such_variant_at_all"},
        {"check", "gradient_at_mean_example", "accumulation_mean_of_means", "float_batching_bitwise"},
        {"gallery", "missing_one_over_n", "--no-timings"},
        {"report", "--kind", "fallacy", "--cases", "10", "--out", testing::TempDir() + "wide.md"}}) {
    const auto r = run(args);
    for (const std::string &line : wide_lines(r.out)) ADD_FAILURE() << args.front() << ": " << line;
    for (const std::string &line : wide_lines(r.err)) ADD_FAILURE() << args.front() << ": " << line;
  }
}

} // namespace
