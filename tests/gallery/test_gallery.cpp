// The bug gallery: every bug is caught on every rung it runs on, shrunk, and diagnosed by the
// name of the convention it implements; every correct twin holds on every law.

#include <gradlaws/error.hpp>
#include <gradlaws/gallery_report.hpp>

#include <gtest/gtest.h>

#include "gallery/gallery_support.hpp"

#include <algorithm>

namespace gradlaws {
namespace {

using testing_support::caught_on;

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const gallery_info &g : gallery_cases()) names.push_back(g.name);
  return names;
}

bool ran_on(const gallery_outcome &o, const std::string &rung_word) {
  return std::any_of(o.bug.begin(), o.bug.end(), [&](const run_result &r) {
    return r.variant == rung_word || r.variant.ends_with("_" + rung_word);
  });
}

class GalleryCase : public testing::TestWithParam<std::string> {};

TEST_P(GalleryCase, TheBugIsCaughtOnEveryRungShrunkAndDiagnosedAndItsTwinHolds) {
  run_options opt;
  opt.cases = 100;
  const gallery_outcome o = run_gallery_case(GetParam(), opt);
  ASSERT_FALSE(o.bug.empty());
  EXPECT_TRUE(o.caught()) << render_gallery({o}, timings::omitted);
  if (ran_on(o, "double") || ran_on(o, "float")) {
    EXPECT_TRUE(caught_on(o, "double")) << render_kill_matrix({o});
    EXPECT_TRUE(caught_on(o, "float")) << render_kill_matrix({o});
  } else { // a bug of half precision, written for the 16-bit formats only
    EXPECT_TRUE(caught_on(o, "bfloat16")) << render_kill_matrix({o});
  }
  // Code written for float and double only (a framework's) has no exact or high rung.
  if (ran_on(o, "exact") || ran_on(o, "high"))
    EXPECT_TRUE(caught_on(o, "exact") || caught_on(o, "high")) << render_kill_matrix({o});
  const run_result *w = o.witness();
  ASSERT_NE(w, nullptr);
  // Shrunk (or drawn) to human size: a batch of at most three examples, or for the training
  // step's subjects (no model, no batch) a case of a few lines.
  if (o.info.subject == "training step" || o.info.subject == "gradient accumulation") {
    EXPECT_LE(std::count(w->counterexample.begin(), w->counterexample.end(), '\n'), 12) << w->counterexample;
  } else {
    EXPECT_TRUE(w->counterexample.find("[N = 1,") != std::string::npos ||
                w->counterexample.find("[N = 2,") != std::string::npos ||
                w->counterexample.find("[N = 3,") != std::string::npos)
        << w->counterexample;
  }
  EXPECT_FALSE(w->reproduce.empty());
  EXPECT_TRUE(o.twin_passed()) << render_gallery({o}, timings::omitted);
}

// The two-precision rule (a model gradlaws does not know) on every batch-gradient case: the
// bug is still caught, the twin still holds.
TEST_P(GalleryCase, HiddenBehindAnOpaqueModuleTheBugIsCaughtAndTheTwinHolds) {
  const std::vector<gallery_info> cases = gallery_cases();
  const auto info = std::find_if(cases.begin(), cases.end(),
                                 [](const gallery_info &g) { return g.name == GetParam(); });
  if (info->subject != "batch gradient") GTEST_SKIP() << "not a batch gradient: hidden models are batch gradients only";
  run_options opt;
  opt.cases = 100;
  const gallery_outcome o = run_gallery_case_hidden(GetParam(), opt, hidden_default_model());
  const bool caught = std::any_of(o.bug.begin(), o.bug.end(), [](const run_result &r) {
    return r.status == run_status::falsified && r.found && r.found->precisions;
  });
  // Each example alone through BatchNorm satisfies every law that needs no reference model:
  // only agreement with gradlaws's own gradient (oracle_agreement) tells it from the batch's.
  if (GetParam() == "batchnorm_per_example_training_mode") EXPECT_FALSE(caught) << render_kill_matrix({o});
  else EXPECT_TRUE(caught) << render_kill_matrix({o});
  EXPECT_TRUE(o.twin_passed()) << render_gallery({o}, timings::omitted);
}

INSTANTIATE_TEST_SUITE_P(Gallery, GalleryCase, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string> &i) { return i.param; });

TEST(Gallery, HoldsTheFiveBugsOfTheTrainingStep) {
  const auto names = case_names();
  for (const char *n : {"clip_inside_accumulation_loop", "clip_before_unscale",
                        "optimizer_step_per_micro_batch", "weight_decay_on_accumulated_sum",
                        "bfloat16_gradient_accumulation"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(Gallery, HoldsAtLeastTheTenBugsOfTheIssue) {
  const auto names = case_names();
  for (const char *n : {"accumulation_token_normalisation", "causal_lm_count_before_shift",
                        "replica_local_mean_summed", "replica_uneven_shards_mean_of_means",
                        "replica_idle_ranks_nominal_divisor", "batchnorm_per_example_training_mode",
                        "label_smoothing_counts_ignored", "missing_one_over_n",
                        "weighted_mean_divided_by_n", "replica_sum_then_average"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(Gallery, AnUnknownCaseIsRefusedByName) {
  try {
    (void)run_gallery_case("no_such_bug", {});
    FAIL();
  } catch (const unknown_name_error &e) {
    EXPECT_NE(std::string(e.what()).find("no_such_bug"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("missing_one_over_n"), std::string::npos);
  }
}

} // namespace
} // namespace gradlaws
