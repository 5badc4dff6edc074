// The command line: usage errors exit 2 with one line naming the problem and one hint line.

#include "cli.hpp"

#include <gradlaws/error.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

struct outcome {
  int status;
  std::string out, err;
};

outcome run(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int status = gradlaws::cli::run(args, out, err);
  return {status, out.str(), err.str()};
}

TEST(Cli, ListShowsLawsAndFallaciesWithTheirFormulas) {
  const auto r = run({"list"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("linearity"), std::string::npos);
  EXPECT_NE(r.out.find("∇_θ (1/N) Σ_i L_i(θ) = (1/N) Σ_i ∇_θ L_i(θ)"), std::string::npos);
  EXPECT_NE(r.out.find("fallacy"), std::string::npos);
}

TEST(Cli, ListShowsEachRegistry) {
  const auto a = run({"list", "activations"});
  EXPECT_EQ(a.status, 0);
  EXPECT_NE(a.out.find("sigmoid"), std::string::npos);
  EXPECT_NE(a.out.find("13 activations registered"), std::string::npos) << a.out;
  EXPECT_NE(run({"list", "losses"}).out.find("softmax_ce"), std::string::npos);
  EXPECT_NE(run({"list", "layers"}).out.find("batch_norm"), std::string::npos);
  EXPECT_NE(run({"list", "strategies"}).out.find("accumulate_naive"), std::string::npos);
  const auto bad = run({"list", "activation"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("unknown registry 'activation'"), std::string::npos) << bad.err;
}

TEST(Cli, ListVariantsShowsEveryEntrysVariants) {
  const auto r = run({"list", "--variants"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("relu_exact, relu_high"), std::string::npos);
  EXPECT_NE(r.out.find("accumulate_weighted_exact"), std::string::npos);
  EXPECT_NE(r.out.find("one_example_sigmoid_high"), std::string::npos);
  EXPECT_EQ(run({"check", "linearity", "--variants"}).status, 2);
}

TEST(Cli, UnknownCommandIsAUsageError) {
  const auto r = run({"frobnicate"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
  // One line and a hint, not the whole usage (that is --help's).
  EXPECT_EQ(r.err.find("usage: gradlaws"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: gradlaws --help lists the commands"), std::string::npos) << r.err;
}

TEST(Cli, UnknownFlagIsAUsageError) {
  const auto r = run({"list", "--colour"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown flag '--colour'"), std::string::npos);
}

TEST(Cli, BadNumbersNameTheFlag) {
  EXPECT_NE(run({"check", "linearity", "--cases", "0"}).err.find("--cases needs a whole number"),
            std::string::npos);
  EXPECT_NE(run({"check", "linearity", "--digits", "fifty"}).err.find("--digits"), std::string::npos);
  EXPECT_NE(run({"check", "linearity", "--seed", "-1"}).err.find("--seed"), std::string::npos);
  EXPECT_EQ(run({"check", "linearity", "--seed"}).status, 2); // missing value
}

TEST(Cli, UnknownEntryListsTheKnownOnes) {
  const auto r = run({"check", "linearty"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown catalogue entry 'linearty'"), std::string::npos);
  EXPECT_NE(r.err.find("linearity"), std::string::npos);
}

TEST(Cli, UnknownVariantListsTheKnownOnes) {
  const auto r = run({"check", "linearity", "--variant", "relu_exactly"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("relu_exactly"), std::string::npos);
  EXPECT_NE(r.err.find("relu_exact"), std::string::npos);
}

TEST(Cli, CheckRunsOneVariantAndPrintsItsReport) {
  const auto r = run({"check", "derivative_at_mean", "--variant", "cube_exact", "--seed", "3"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("falsified"), std::string::npos);
  EXPECT_NE(r.out.find("[3/4]"), std::string::npos);
}

TEST(Cli, CheckCanPrintJson) {
  const auto r = run({"check", "linearity", "--variant", "relu_exact", "--format", "json"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\"status\": \"held\""), std::string::npos);
}

TEST(Cli, NamesAreOnlyForCheckAndRates) {
  EXPECT_EQ(run({"list", "linearity"}).status, 2);
  EXPECT_EQ(run({"report", "--variant", "relu_exact"}).status, 2);
}

TEST(Cli, AnUnwritableOutIsRefusedBeforeAnyWork) {
  const auto r = run({"report", "--out", "/nonexistent-directory/report.md"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot write the report to '/nonexistent-directory/report.md'"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("[  1/"), std::string::npos) << "entries ran before the check";
}

TEST(Cli, AValueThatLooksLikeAFlagIsRefused) {
  const auto r = run({"report", "--out", "--no-timings"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--out needs a value, got the flag '--no-timings'"), std::string::npos)
      << r.err;
}

TEST(Cli, FlagsThatDoNotApplyAreErrors) {
  EXPECT_NE(run({"list", "--format", "json"}).err.find("--format goes with 'check'"),
            std::string::npos);
  EXPECT_NE(run({"report", "--format", "json"}).err.find("--format goes with 'check'"),
            std::string::npos);
  EXPECT_NE(run({"check", "linearity", "--kind", "law"}).err.find("--kind goes with"),
            std::string::npos);
  EXPECT_NE(run({"check", "linearity", "--out", "x.md"}).err.find("--out goes with 'report'"),
            std::string::npos);
  EXPECT_NE(run({"list", "--seed", "3"}).err.find("--seed goes with"), std::string::npos);
  EXPECT_NE(run({"check", "linearity", "--seeds", "3"}).err.find("--seeds goes with 'rates'"),
            std::string::npos);
}

TEST(Cli, RepeatedFlagsAreErrors) {
  const auto r = run({"check", "linearity", "--seed", "1", "--seed", "2"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--seed is given twice"), std::string::npos) << r.err;
}

TEST(Cli, RatesRefusesUnknownNamesAndLaws) {
  const auto unknown = run({"rates", "nosuch"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown catalogue entry 'nosuch'"), std::string::npos);
  const auto law = run({"rates", "linearity"});
  EXPECT_EQ(law.status, 2);
  EXPECT_NE(law.err.find("'linearity' is a law"), std::string::npos) << law.err;
}

TEST(Cli, SeveralResultsInJsonAreOneArrayWithSeedsAsStrings) {
  const auto r = run({"check", "linearity", "reduction_scale", "--variant", "relu_exact",
                      "--format", "json", "--seed", "18446744073709551615", "--cases", "2"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.front(), '[');
  EXPECT_EQ(r.out.substr(r.out.size() - 2), "]\n");
  EXPECT_NE(r.out.find("},\n{"), std::string::npos);
  EXPECT_NE(r.out.find("\"seed\": \"18446744073709551615\""), std::string::npos);
}

TEST(Cli, NoTimingsLeavesTimesOutOfTheTextToo) {
  const auto r = run({"check", "linearity", "--variant", "relu_exact", "--cases", "3",
                      "--no-timings"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find(" s)"), std::string::npos) << r.out;
}

TEST(Cli, DigitsAreBoundedByWhatTheConfirmationCanReach) {
  const auto r = run({"check", "linearity", "--digits", "100000"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--digits needs a whole number in [10, 99975]"), std::string::npos)
      << r.err;
}

TEST(Cli, AWriteErrorGivesANonZeroExit) {
  std::ostringstream out, err;
  out.setstate(std::ios_base::badbit); // as writing to a full disk leaves it
  EXPECT_EQ(gradlaws::cli::run({"list"}, out, err), 2);
  EXPECT_NE(err.str().find("cannot write"), std::string::npos);
}

TEST(Cli, SweepRunsLawsOverSeedsAndCountsFalseAlarms) {
  const auto r = run({"sweep", "linearity", "reduction_scale", "--seeds", "2", "--cases", "3"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("linearity [relu_exact]"), std::string::npos);
  EXPECT_NE(r.out.find(": 0 false alarms"), std::string::npos) << r.out;
  const auto fallacy = run({"sweep", "derivative_at_mean"});
  EXPECT_EQ(fallacy.status, 2);
  EXPECT_NE(fallacy.err.find("is a fallacy"), std::string::npos);
}

} // namespace

namespace {

TEST(Cli, GalleryPrintsTheKillMatrixWitnessAndDiagnosis) {
  const auto r = run({"gallery", "replica_uneven_shards_mean_of_means", "--cases", "50", "--no-timings"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("kill matrix"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("matches"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replica_mean_of_means"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 of 1 bugs caught and diagnosed; 1 of 1 correct twins held"), std::string::npos) << r.out;
}

TEST(Cli, GalleryWithSeedsCountsTheTwinsFalseAlarms) {
  const auto r = run({"gallery", "replica_sum_then_average", "--seeds", "2", "--cases", "20"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 false alarms"), std::string::npos) << r.out;
  // Blocks of seeds on several processes: the same lines as one process.
  const auto two = run({"gallery", "replica_sum_then_average", "missing_one_over_n", "--seeds", "30",
                        "--cases", "5", "--jobs", "2"});
  const auto one = run({"gallery", "replica_sum_then_average", "missing_one_over_n", "--seeds", "30",
                        "--cases", "5", "--jobs", "1"});
  EXPECT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.err, two.err);
  EXPECT_EQ(run({"gallery", "--jobs", "2"}).status, 2); // the kill matrix is one process
}

TEST(Cli, GalleryRefusesAnUnknownCaseBeforeRunning) {
  const auto r = run({"gallery", "missing_one_over_n", "no_such_bug"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no_such_bug"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("gallery: missing_one_over_n"), std::string::npos) << "ran before refusing";
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Several processes: the same output as one.

#include "workers.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <iterator>

namespace {

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Cli, ReportRatesAndSweepPrintTheSameOnOneProcessAndOnSeveral) {
  // The same file name in two directories: the report names its pictures' directory.
  for (const char *d : {"gradlaws-jobs-1", "gradlaws-jobs-3"})
    std::filesystem::create_directories(testing::TempDir() + d);
  const std::string one = testing::TempDir() + "gradlaws-jobs-1/report.md",
                    three = testing::TempDir() + "gradlaws-jobs-3/report.md";
  const auto r1 = run({"report", "--kind", "fallacy", "--cases", "20", "--no-timings", "--jobs", "1", "--out", one});
  const auto r3 = run({"report", "--kind", "fallacy", "--cases", "20", "--no-timings", "--jobs", "3", "--out", three});
  EXPECT_EQ(r1.status, 0) << r1.err;
  EXPECT_EQ(r1.err, r3.err); // the progress lines, in catalogue order
  const std::string a = slurp(one), b = slurp(three);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  const auto pictures = [](const std::string &dir) {
    std::map<std::string, std::string> files;
    for (const auto &f : std::filesystem::directory_iterator(dir + "/report-pictures"))
      files[f.path().filename().string()] = slurp(f.path().string());
    return files;
  };
  EXPECT_EQ(pictures(testing::TempDir() + "gradlaws-jobs-1"), pictures(testing::TempDir() + "gradlaws-jobs-3"));
  for (const char *d : {"gradlaws-jobs-1", "gradlaws-jobs-3"})
    std::filesystem::remove_all(testing::TempDir() + d);
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"rates", "derivative_at_mean", "--seeds", "3", "--no-timings"},
        std::vector<std::string>{"sweep", "linearity", "reduction_scale", "--seeds", "2", "--cases", "3", "--no-timings"}}) {
    auto with = [&](const char *jobs) {
      std::vector<std::string> v = args;
      v.insert(v.end(), {"--jobs", jobs});
      return run(v);
    };
    const auto x = with("1"), y = with("2");
    EXPECT_EQ(x.status, y.status) << args.front();
    EXPECT_EQ(x.out, y.out) << args.front();
    EXPECT_EQ(x.err, y.err) << args.front();
  }
}

TEST(Cli, RatesWithoutTimingsPrintsNoTimes) {
  const auto r = run({"rates", "derivative_at_mean", "--seeds", "2", "--no-timings"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find(" s\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("mean time"), std::string::npos) << r.out;
}

TEST(Cli, JobsIsAPositiveNumberForTheCommandsThatRunEntries) {
  EXPECT_EQ(run({"sweep", "--jobs", "0"}).status, 2);
  EXPECT_EQ(run({"sweep", "--jobs", "many"}).status, 2);
  const auto list = run({"list", "--jobs", "2"});
  EXPECT_EQ(list.status, 2);
  EXPECT_NE(list.err.find("--jobs goes with"), std::string::npos) << list.err;
}

TEST(Workers, ResultsArriveInItemOrderWhateverFinishesFirst) {
  std::vector<std::size_t> order;
  std::string joined;
  gradlaws::cli::run_items(
      7, 3,
      [](std::size_t i) -> gradlaws::cli::item_output {
        // Early items are the slow ones; a large output crosses the pipe's buffer.
        volatile double sink = 0;
        for (long k = 0; k < long(7 - i) * 2'000'000; ++k) sink = sink + 1;
        return {std::to_string(i), std::string(100'000 + i, char('a' + i))};
      },
      [&](std::size_t i, const gradlaws::cli::item_output &x) {
        order.push_back(i);
        joined += x[0];
        EXPECT_EQ(x[1].size(), 100'000 + i);
        EXPECT_EQ(x[1].front(), char('a' + i));
      });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(joined, "0123456");
}

TEST(Workers, AnErrorInAWorkerIsRaisedHereWithItsMessage) {
  std::size_t delivered = 0;
  try {
    gradlaws::cli::run_items(
        5, 2,
        [](std::size_t i) -> gradlaws::cli::item_output {
          if (i == 2) throw gradlaws::error("item 2 cannot be run");
          return {"fine"};
        },
        [&](std::size_t, const gradlaws::cli::item_output &) { ++delivered; });
    FAIL() << "no error raised";
  } catch (const gradlaws::error &e) {
    EXPECT_NE(std::string(e.what()).find("item 2 cannot be run"), std::string::npos) << e.what();
  }
  EXPECT_LE(delivered, 2u); // nothing after the failing item is delivered
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The terminal: version, one-line errors with a did-you-mean, summaries, colour, line width.

#include <cstdlib>
#include <regex>

namespace {

using gradlaws::cli::closest_name;
using gradlaws::cli::colour_wanted;
using gradlaws::columns;
using gradlaws::cli::edit_distance;

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

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
       "hint: did you mean 'activations'? (the registries: activations, losses, layers, "
       "strategies, gallery)\n"},
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
                                      "relu_exact", "--cases", "5", "--no-timings"};
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
  EXPECT_NE(always.out.find("1 \033[32mheld\033[0m (5 cases), 1 \033[32mrefuted\033[0m as expected"),
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
