// The bug gallery, built from the installed package: every bug is caught and every correct
// twin holds. (`gradlaws gallery` prints the kill matrix and the diagnoses.)
#include <gradlaws/gallery.hpp>

#include <gtest/gtest.h>

namespace {

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const gradlaws::gallery_info &g : gradlaws::gallery_cases()) out.push_back(g.name);
  return out;
}

class Gallery : public testing::TestWithParam<std::string> {};

TEST_P(Gallery, TheBugIsCaughtAndItsTwinHolds) {
  gradlaws::run_options opt = gradlaws::options_from_environment();
  const gradlaws::gallery_outcome o = gradlaws::run_gallery_case(GetParam(), opt);
  EXPECT_TRUE(o.caught()) << o.info.title;
  EXPECT_TRUE(o.twin_passed()) << o.info.title;
}

INSTANTIATE_TEST_SUITE_P(Bugs, Gallery, testing::ValuesIn(names()),
                         [](const testing::TestParamInfo<std::string> &i) { return i.param; });

} // namespace
