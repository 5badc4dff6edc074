// A user's whole training step as a subject: a step that accumulates, unscales, skips on
// overflow, clips and steps in that order passes in double, float, bfloat16 and float16; one
// that steps on an overflowed gradient is caught by name; a step that needs no family, or an
// Adam step, is told why no law reaches it; bad configurations are refused by name.

#include <gradlaws/checks.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"

#include <set>

namespace gradlaws {
namespace {

check_options step_options(std::vector<std::string> laws = {}) {
  run_options r;
  r.cases = 100;
  r.seed = 5;
  return {.run = r, .laws = std::move(laws)};
}

/// The step written generically over the scalar with gradlaws's pieces: it runs on every rung.
training_step_subject generic_step() {
  return make_training_step_subject(
             "generic step",
             []<class T>(const step_config &c, const optimizer_state<T> &s, const std::vector<vec<T>> &p) {
               return training_step(c, s, p);
             })
      .supports({.optimizer = update_rule::family::sgd});
}

TEST(TrainingStepSubjects, AGenericStepPassesEveryLawOnEveryRungAndFormat) {
  const auto results = check(generic_step(), step_options());
  std::set<std::string> variants;
  for (const run_result &r : results) variants.insert(r.entry + "." + r.variant);
  EXPECT_EQ(variants.size(), 14u); // two laws on high and four formats, one on the four formats
  EXPECT_TRUE(variants.count("training_step_skips_overflow.bfloat16"));
  EXPECT_EQ(testing_support::failures(results, 100), "");
}

TEST(TrainingStepSubjects, AStepTakenOnAnOverflowIsCaughtByTheSkipLaw) {
  training_step_subject s("steps on an overflow");
  s.set<float>([](const step_config &c, const optimizer_state<float> &st, const std::vector<vec<float>> &p) {
    step_config unscaled = c;
    vec<float> g = vec<float>::Zero(st.theta.size());
    for (std::size_t k = 0; k < p.size(); ++k) g += from_exact<float>(c.shares[k]) * p[k];
    g /= from_exact<float>(c.loss_scale);
    if (c.clip) g = clip_by_norm(from_exact<float>(*c.clip), g);
    return step(c.rule, g, st); // no check for infinities
  });
  s.supports({.optimizer = update_rule::family::sgd});
  const auto results = check(s, step_options({"training_step_skips_overflow"}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results.front().passed);
  const std::string text = render_text(results.front());
  EXPECT_TRUE(testing_support::contains(text, "infinite") || testing_support::contains(text, "NaN")) << text;
}

TEST(TrainingStepSubjects, AStepThatNeitherClipsNorScalesPassesOnceDeclared) {
  // A plain accumulate-then-step loop: no clipping, no loss scale.
  training_step_subject plain("accumulate, then step");
  plain.set<double>([](const step_config &c, const optimizer_state<double> &st,
                       const std::vector<vec<double>> &p) {
    vec<double> g = vec<double>::Zero(st.theta.size());
    for (std::size_t k = 0; k < p.size(); ++k) g += from_exact<double>(c.shares[k]) * p[k];
    return step(c.rule, g, st);
  });
  plain.supports({.optimizer = update_rule::family::sgd});
  EXPECT_NE(testing_support::failures(check(plain, step_options()), 100), "")
      << "undeclared, the step is handed thresholds and loss scales it ignores";
  plain.supports({.optimizer = update_rule::family::sgd, .step_clips = false, .step_scales_loss = false});
  const auto results = check(plain, step_options());
  ASSERT_EQ(results.size(), 1u); // the split law, in double
  EXPECT_EQ(results.front().entry, "training_step_split_invariance");
  EXPECT_EQ(testing_support::failures(results, 100), "");
  bool told = false;
  for (const plan_entry &e : explain_plan(plain))
    told = told || testing_support::contains(e.left_out, "step_scales_loss = false");
  EXPECT_TRUE(told);
}

TEST(TrainingStepSubjects, AnAdamStepIsToldTheLawsAreAboutSgd) {
  training_step_subject s = generic_step();
  s.supports({.optimizer = update_rule::family::adam});
  bool told = false;
  for (const plan_entry &e : explain_plan(s)) told = told || testing_support::contains(e.left_out, "SGD");
  EXPECT_TRUE(told) << describe_plan(s.name(), s.supported(), explain_plan(s));
  training_step_subject no_family("no family");
  no_family.set<double>([](const step_config &, const optimizer_state<double> &s,
                           const std::vector<vec<double>> &) { return s; });
  EXPECT_THROW(check(no_family, step_options()), error);
}

TEST(TrainingStepSubjects, BadConfigurationsAndPiecesAreRefusedByName) {
  const update_rule sgd = update_rule::sgd(exact(1, 10));
  const optimizer_state<double> s = initial_state<double>(sgd, vec<double>::Zero(2));
  const std::vector<vec<double>> one{vec<double>::Ones(2)};
  const auto refused = [&](step_config c, const std::vector<vec<double>> &p, const std::string &words) {
    try {
      training_step(c, s, p);
      ADD_FAILURE() << "accepted: " << words;
    } catch (const error &e) {
      EXPECT_TRUE(testing_support::contains(e.what(), words)) << e.what();
    }
  };
  refused({.rule = sgd, .shares = {exact(1, 2)}}, one, "sum to 1/2");
  refused({.rule = sgd, .shares = {}}, one, "no micro-batch shares");
  refused({.rule = sgd, .clip = exact(0), .shares = {exact(1)}}, one, "C = 0");
  refused({.rule = sgd, .loss_scale = exact(-1), .shares = {exact(1)}}, one, "S = -1");
  refused({.rule = sgd, .shares = {exact(1, 2), exact(1, 2)}}, one, "1 micro-batch gradients for 2 shares");
  refused({.rule = sgd, .shares = {exact(1)}}, {vec<double>::Ones(3)}, "has 3 entries for a θ of 2");
  // An overflow skips the step: the state comes back as it was.
  const auto skipped = training_step<double>({.rule = sgd, .shares = {exact(1)}}, s,
                                             {vec<double>::Constant(2, HUGE_VAL)});
  EXPECT_EQ(skipped.theta, s.theta);
  EXPECT_EQ(skipped.steps, 0);
}

} // namespace
} // namespace gradlaws
