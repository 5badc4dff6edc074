// Run options from the environment: RapidCheck's parameters are honoured or refused by name,
// never silently ignored, and a malformed RC_PARAMS gets a message.

#include <gradlaws/catalogue.hpp>
#include <gradlaws/error.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <cstdlib>
#include <string>

namespace gradlaws {
namespace {

/// Sets RC_PARAMS for the lifetime of the scope.
class rc_params {
public:
  explicit rc_params(const char *value) { setenv("RC_PARAMS", value, 1); }
  ~rc_params() { unsetenv("RC_PARAMS"); }
};

TEST(Options, AMalformedRcParamsGetsAMessageThatNamesIt) {
  const rc_params p("seed=abc");
  const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
  EXPECT_MESSAGE(m, "RC_PARAMS='seed=abc' is not valid");
}

TEST(Options, MaxSuccessZeroIsRefusedRatherThanAVacuousPass) {
  const rc_params p("max_success=0");
  const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
  EXPECT_MESSAGE(m, "max_success=0");
  EXPECT_MESSAGE(m, "at least 1");
}

TEST(Options, NoshrinkAndMaxSizeAreHonoured) {
  const rc_params p("noshrink=1 max_size=200 max_success=7 seed=5");
  const run_options o = options_from_environment();
  EXPECT_FALSE(o.shrink);
  EXPECT_EQ(o.max_size, 200);
  EXPECT_EQ(o.cases, 7);
  ASSERT_TRUE(o.seed.has_value());
  EXPECT_EQ(*o.seed, 5u);
}

TEST(Options, WithoutRcParamsTheDefaultsHold) {
  unsetenv("RC_PARAMS");
  const run_options o = options_from_environment();
  EXPECT_TRUE(o.shrink);
  EXPECT_EQ(o.max_size, 100);
  EXPECT_EQ(o.cases, 100);
  EXPECT_FALSE(o.seed.has_value());
}

} // namespace
} // namespace gradlaws
