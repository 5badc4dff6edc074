// The command line: usage errors exit 2 with one line naming the problem and one hint line.

#include "cli.hpp"

#include <gradlaws/error.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "cli_support.hpp"

namespace {

using cli_support::outcome;
using cli_support::run;

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

TEST(Cli, GalleryHiddenJudgesBatchGradientsByTheTwoPrecisionRuleAndSkipsPipelines) {
  const auto r = run({"gallery", "--hidden", "missing_one_over_n", "replica_sum_then_average",
                      "--cases", "30", "--no-timings"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("double and float"), std::string::npos) << r.out; // the rule's verdict
  EXPECT_EQ(r.out.find("replica_sum_then_average"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 of 1 bugs caught"), std::string::npos) << r.out;
  const auto pipelines = run({"gallery", "--hidden", "replica_sum_then_average"});
  EXPECT_EQ(pipelines.status, 2);
  EXPECT_NE(pipelines.err.find("none of the cases named is a batch gradient"), std::string::npos)
      << pipelines.err;
  EXPECT_EQ(run({"report", "--hidden"}).status, 2); // a gallery flag
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

#include <cstdio>
#include <filesystem>
#include <map>

namespace {

using cli_support::slurp;

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

} // namespace
