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

TEST(Options, AKeyGradlawsDoesNotReadIsRefusedNamingItAndTheKnownOnes) {
  {
    const rc_params p("max_sucess=5");
    const std::string m =
        testing_support::message_of<unknown_name_error>([] { options_from_environment(); });
    EXPECT_EQ(m, "unknown RC_PARAMS key 'max_sucess'; known: max_success, seed, max_size, "
                 "noshrink, reproduce");
  }
  {
    // RapidCheck's own keys that gradlaws does not act on are refused too, not ignored.
    const rc_params p("verbose_progress=1");
    const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
    EXPECT_MESSAGE(m, "RC_PARAMS key 'verbose_progress' is RapidCheck's, but gradlaws does not "
                      "use it; it reads max_success, seed, max_size, noshrink and reproduce");
  }
  const rc_params p("seed=1 seed=2");
  const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
  EXPECT_MESSAGE(m, "gives 'seed' twice");
}

TEST(Options, AValueWithoutAKeyIsRefusedWhereRapidCheckWouldStopReading) {
  for (const char *params : {"=", "=5", "seed=3 =4 max_success=2", "\"\"=1"}) {
    const rc_params p(params);
    const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
    EXPECT_MESSAGE(m, "has a value without a key at character");
    EXPECT_MESSAGE(m, "with the keys max_success, seed, max_size, noshrink and reproduce");
  }
  const rc_params p("seed=3 =4");
  EXPECT_MESSAGE(testing_support::message_of<error>([] { options_from_environment(); }),
                 "RC_PARAMS='seed=3 =4' has a value without a key at character 8");
}

TEST(Options, KeysAreReadAsRapidCheckReadsThem) {
  const rc_params p("  'seed' = \"9\"\tmax_success =3 noshrink=1");
  const run_options o = options_from_environment();
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.cases, 3);
  EXPECT_FALSE(o.shrink);
}

TEST(Options, MaxSizeTooSmallToDrawAnythingButZeroIsRefusedWithTheReason) {
  for (const char *params : {"max_size=0", "max_size=3", "max_size=49", "max_size=1000001"}) {
    const rc_params p(params);
    const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
    EXPECT_MESSAGE(m, std::string("RC_PARAMS ") + params + " is outside [50, 1000000]");
    EXPECT_MESSAGE(m, "below 4 every value drawn is 0: a gradient that returns 0 would pass");
  }
  const rc_params p("max_size=-1"); // RapidCheck's SIGFPE: refused before RapidCheck sees it
  EXPECT_MESSAGE(testing_support::message_of<error>([] { options_from_environment(); }),
                 "RC_PARAMS='max_size=-1' is not valid");
  const rc_params q("max_size=50");
  EXPECT_EQ(options_from_environment().max_size, run_bounds::min_max_size);
}

TEST(Options, MaxSuccessAboveAMillionIsRefusedWithTheReason) {
  const rc_params p("max_success=2147483647");
  const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
  EXPECT_MESSAGE(m, "RC_PARAMS max_success=2147483647 is outside [1, 1000000]: RapidCheck sets "
                    "memory aside for every case");
  const rc_params q("max_success=1000000");
  EXPECT_EQ(options_from_environment().cases, run_bounds::max_cases);
}

TEST(Options, GradlawsDigitsHasTheCommandLinesBoundsAndSaysWhy) {
  const auto refused = [](const char *digits) {
    setenv("GRADLAWS_DIGITS", digits, 1);
    const std::string m = testing_support::message_of<error>([] { options_from_environment(); });
    unsetenv("GRADLAWS_DIGITS");
    return m;
  };
  EXPECT_EQ(refused("100000"),
            "GRADLAWS_DIGITS needs a whole number in [10, 99975], got '100000': the high rung "
            "confirms each verdict at D + 25 digits, and MPFR's precision stops at 100000");
  for (const char *bad : {"9", "99976", " 50", "50x", "+50", ""})
    EXPECT_MESSAGE(refused(bad), "GRADLAWS_DIGITS needs a whole number in [10, 99975]");
  setenv("GRADLAWS_DIGITS", "99975", 1);
  EXPECT_EQ(options_from_environment().digits, run_bounds::max_digits);
  unsetenv("GRADLAWS_DIGITS");
  EXPECT_EQ(run_bounds::max_digits + tolerances{}.extra_digits, 100000);
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
