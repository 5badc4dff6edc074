// The libtorch gallery: every bug, written as libtorch users write it, is caught on double and
// float, shrunk and (where a convention exists) diagnosed by its name; every twin holds.

#include <gradlaws/gallery_report.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "gallery/gallery_support.hpp"

#include <algorithm>

namespace gradlaws {
namespace {

using testing_support::caught_on;

std::vector<std::string> torch_cases() {
  std::vector<std::string> names;
  for (const gallery_info &g : gallery_cases())
    if (g.framework == "libtorch") names.push_back(g.name);
  return names;
}

TEST(TorchGallery, HasTenCasesOrMore) { EXPECT_GE(torch_cases().size(), 10u); }

class TorchGalleryCase : public testing::TestWithParam<std::string> {};

TEST_P(TorchGalleryCase, TheBugIsCaughtShrunkAndDiagnosedAndItsTwinHolds) {
  // 25 cases a law keep the default run short; `gradlaws gallery --torch` runs 100.
  run_options opt;
  opt.cases = 25;
  const gallery_outcome o = run_gallery_case(GetParam(), opt);
  ASSERT_FALSE(o.bug.empty());
  EXPECT_TRUE(o.caught()) << render_gallery({o}, timings::omitted);
  EXPECT_TRUE(caught_on(o, "double")) << render_kill_matrix({o});
  // A float32 module behind a double API is the right code on float.
  if (GetParam() != "torch_float_module_behind_double_api")
    EXPECT_TRUE(caught_on(o, "float")) << render_kill_matrix({o});
  const run_result *w = o.witness();
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->counterexample.find("[N = 1,") != std::string::npos ||
              w->counterexample.find("[N = 2,") != std::string::npos ||
              w->counterexample.find("[N = 3,") != std::string::npos)
      << w->counterexample;
  std::string twin_failures;
  for (const run_result &r : o.twin)
    if (!r.passed) twin_failures += render_text(r, timings::omitted);
  EXPECT_TRUE(o.twin_passed()) << twin_failures;
}

INSTANTIATE_TEST_SUITE_P(Torch, TorchGalleryCase, testing::ValuesIn(torch_cases()),
                         [](const testing::TestParamInfo<std::string> &i) { return i.param; });

} // namespace
} // namespace gradlaws
