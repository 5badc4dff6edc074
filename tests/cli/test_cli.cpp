// The command line: usage errors exit 2 with a message naming the problem and a usage hint.

#include "cli.hpp"

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
  EXPECT_NE(r.err.find("usage: gradlaws"), std::string::npos);
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

} // namespace
