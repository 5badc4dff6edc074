// The user's code as a subject: check() runs every law that applies, on the rungs the
// subject's callables run on; on the machine rung the two sides are compared with each other
// under their derived rounding bounds, and each with the exact value of the same inputs.

#include <gradlaws/aggregation.hpp>
#include <gradlaws/checks.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <algorithm>
#include <iostream>

namespace gradlaws {
namespace {

check_options quick(std::vector<std::string> laws, std::vector<std::string> variants, int cases = 25) {
  run_options r;
  r.cases = cases;
  r.seed = 7;
  return {r, std::move(laws), std::move(variants)};
}

gradient_subject correct_double() {
  return make_gradient_subject("correct double backprop",
                               [](const model &m, const vec<double> &theta, const mat<double> &x,
                                  const mat<double> &y, const reduction &r) {
                                 return gradient<double>(m, theta, x, y, r);
                               });
}

/// The classic bug: the mean's 1/N forgotten (the gradient of the summed loss returned).
gradient_subject missing_one_over_n() {
  return make_gradient_subject("missing 1/N",
                               [](const model &m, const vec<double> &theta, const mat<double> &x,
                                  const mat<double> &y, const reduction &) {
                                 return gradient<double>(m, theta, x, y, reduction::sum());
                               });
}

TEST(UserSubjects, ADoubleSubjectRunsTheMachineVariantsOfEveryLawThatHasThem) {
  const auto p = plan(correct_double());
  ASSERT_FALSE(p.empty());
  for (const auto &[law, v] : p) {
    EXPECT_TRUE(v.ends_with("_double")) << law << "." << v;
  }
  // On the machine rung the oracle's side is gradlaws's backprop in the subject's format.
  EXPECT_NE(std::find(p.begin(), p.end(), std::pair<std::string, std::string>{"oracle_agreement", "sigmoid_double"}),
            p.end());
  EXPECT_NE(std::find(p.begin(), p.end(), std::pair<std::string, std::string>{"linearity", "sigmoid_double"}),
            p.end());
}

TEST(UserSubjects, AGenericSubjectRunsOnEveryRung) {
  const gradient_subject mine = make_gradient_subject(
      "generic", []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                             const mat<T> &y, const reduction &r) -> vec<T> {
        return gradient<T>(m, theta, x, y, r);
      });
  const auto p = plan(mine, {{}, {"linearity"}, {}});
  const auto has = [&](const std::string &v) {
    return std::find(p.begin(), p.end(), std::pair<std::string, std::string>{"linearity", v}) != p.end();
  };
  EXPECT_TRUE(has("relu_exact"));
  EXPECT_TRUE(has("sigmoid_high"));
  EXPECT_TRUE(has("sigmoid_double"));
  EXPECT_TRUE(has("sigmoid_float"));
  for (const run_result &r : check(mine, quick({"linearity", "reduction_scale"},
                                               {"relu_exact", "tanh_high", "tanh_double", "gelu_float"})))
    EXPECT_TRUE(r.passed) << render_text(r);
}

TEST(UserSubjects, ACorrectDoubleGradientIsEqualUpToRoundingOnEveryLaw) {
  const auto results = check(correct_double(), quick({}, {"sigmoid_double", "softplus_double", "relu_double"}, 20));
  ASSERT_FALSE(results.empty());
  for (const run_result &r : results) {
    EXPECT_TRUE(r.passed) << render_text(r);
    EXPECT_NE(r.tally.find("equal up to rounding"), std::string::npos) << r.entry << ": " << r.tally;
  }
}

TEST(UserSubjects, AMissingOneOverNIsBeyondRoundingWithAShrunkCounterexample) {
  const auto results = check(missing_one_over_n(), quick({"linearity"}, {"sigmoid_double"}));
  ASSERT_EQ(results.size(), 1u);
  const run_result &r = results.front();
  std::cout << render_text(r);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.status, run_status::falsified) << r.message;
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.found->kind, verdict_kind::different);
  EXPECT_EQ(r.found->on, rung::machine);
  EXPECT_MESSAGE(r.found->summary(), "beyond rounding (double)");
  EXPECT_MESSAGE(r.found->summary(), "a bug, not rounding");
  // Shrunk: two examples are the fewest on which a sum and a mean differ.
  EXPECT_MESSAGE(r.counterexample, "batch");
  EXPECT_MESSAGE(r.reproduce, "RC_PARAMS=");
  EXPECT_EQ(r.test_name, "missing_1_N/linearity.sigmoid_double");
}

TEST(UserSubjects, AFloatSubjectIsJudgedInFloat) {
  const gradient_subject mine = make_gradient_subject(
      "float backprop", [](const model &m, const vec<float> &theta, const mat<float> &x,
                           const mat<float> &y, const reduction &r) {
        return gradient<float>(m, theta, x, y, r);
      });
  const auto results = check(mine, quick({"linearity", "weighted_mean"}, {"sigmoid_float"}));
  ASSERT_EQ(results.size(), 2u);
  for (const run_result &r : results) EXPECT_TRUE(r.passed) << render_text(r);
}

TEST(UserSubjects, UnknownLawsAndVariantsAreRefusedByName) {
  const std::string law = testing_support::message_of<unknown_name_error>(
      [] { (void)check(correct_double(), quick({"linearty"}, {})); });
  EXPECT_MESSAGE(law, "linearty");
  EXPECT_MESSAGE(law, "linearity");
  const std::string v = testing_support::message_of<unknown_name_error>(
      [] { (void)check(correct_double(), quick({"linearity"}, {"sigmoid_exact"})); });
  EXPECT_MESSAGE(v, "sigmoid_exact");
  EXPECT_MESSAGE(v, "sigmoid_double");
}

TEST(UserSubjects, ASubjectWithNoCallableIsRefused) {
  const std::string m = testing_support::message_of<error>([] { (void)check(gradient_subject("empty")); });
  EXPECT_MESSAGE(m, "no callable");
}

} // namespace
} // namespace gradlaws

namespace gradlaws {
namespace {

/// Code written for one model: the seed's linear regression ŷ = m·x + b under MSE, by hand.
vec<double> regression_gradient(const vec<double> &theta, const mat<double> &x,
                                const mat<double> &y, const reduction &r, bool bug) {
  double dm = 0, db = 0;
  const auto n = x.cols();
  const vec<double> coefficient = r.coefficients_on<double>(std::size_t(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double c = bug ? 1.0 / double(n) : coefficient[i];
    const double e = theta[0] * x(0, i) + theta[1] - y(0, i);
    dm += c * 2 * e * x(0, i);
    db += c * 2 * e;
  }
  return vec<double>{{dm, db}};
}

TEST(UserSubjects, CodeForOneModelIsCheckedOnThatModelOnly) {
  const model m = linear_regression();
  const auto subject = [&](bool bug) {
    return make_gradient_subject(bug ? "regression ignoring the reduction" : "regression by hand",
                                 [bug](const model &, const vec<double> &theta, const mat<double> &x,
                                       const mat<double> &y, const reduction &r) {
                                   return regression_gradient(theta, x, y, r, bug);
                                 });
  };
  check_options o = quick({}, {}, 40);
  o.fixed_model = m;
  const auto p = plan(subject(false), o);
  ASSERT_FALSE(p.empty());
  // A law about a model family of its own runs on the subject's model with one example only.
  for (const auto &[law, v] : p)
    EXPECT_EQ(v, law == "gradient_at_mean_example_affine" ? "one_example_double" : "double") << law;
  for (const run_result &r : check(subject(false), o)) EXPECT_TRUE(r.passed) << render_text(r);
  // Always the mean, whatever reduction was asked for: the sum and weighted laws catch it.
  int caught = 0;
  for (const run_result &r : check(subject(true), o)) {
    if (r.passed) continue;
    ++caught;
    EXPECT_EQ(r.status, run_status::falsified) << render_text(r);
    EXPECT_MESSAGE(r.counterexample, "Dense(1→1)");
  }
  EXPECT_GE(caught, 2);
}

} // namespace
} // namespace gradlaws

namespace gradlaws {
namespace {

/// A hand-written gradient accumulation: each micro-batch's mean loss over its valid examples,
/// scaled by n_k/N (correct), or the plain mean of the micro-batch means (the classic bug).
template <class T>
vec<T> accumulate(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                  const layout &l, bool mean_of_means) {
  vec<T> g = vec<T>::Zero(theta.size());
  int used = 0;
  for (std::size_t k = 0; k < l.groups.size(); ++k) {
    std::vector<Eigen::Index> items;
    for (std::size_t i = l.begin(k); i < l.begin(k) + l.groups[k]; ++i)
      if (l.counts(i)) items.push_back(Eigen::Index(i));
    if (items.empty()) continue;
    mat<T> xk(x.rows(), Eigen::Index(items.size())), yk(y.rows(), Eigen::Index(items.size()));
    for (std::size_t j = 0; j < items.size(); ++j) {
      xk.col(Eigen::Index(j)) = x.col(items[j]);
      yk.col(Eigen::Index(j)) = y.col(items[j]);
    }
    const vec<T> gk = gradient<T>(m, theta, xk, yk, reduction::mean());
    g += mean_of_means ? gk : vec<T>(gk * T(int(items.size())) / T(int(l.valid_count())));
    ++used;
  }
  if (mean_of_means) g /= T(used);
  return g;
}

check_options pipeline_options(strategy_family f, std::vector<std::string> variants = {}) {
  check_options o = quick({}, std::move(variants), 40);
  o.pipeline = f;
  return o;
}

TEST(UserPipelines, ACorrectAccumulationHoldsOnEveryLayoutAndRung) {
  const pipeline_subject mine = make_pipeline_subject(
      "weighted accumulation", []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                           const mat<T> &y, const layout &l) -> vec<T> {
        return accumulate<T>(m, theta, x, y, l, false);
      });
  const auto p = plan(mine, pipeline_options(strategy_family::accumulation));
  ASSERT_FALSE(p.empty());
  bool machine = false;
  for (const auto &[law, v] : p) machine = machine || v.ends_with("_double");
  EXPECT_TRUE(machine);
  for (const run_result &r : check(mine, pipeline_options(strategy_family::accumulation)))
    EXPECT_TRUE(r.passed) << render_text(r);
}

TEST(UserPipelines, TheMeanOfMicroBatchMeansIsCaughtShrunkAndDiagnosedByName) {
  for (const bool generic : {true, false}) {
    pipeline_subject mine("mean of micro-batch means");
    if (generic)
      mine.set_generic([]<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                   const mat<T> &y, const layout &l) -> vec<T> {
        return accumulate<T>(m, theta, x, y, l, true);
      });
    else
      mine.set<double>([](const model &m, const vec<double> &theta, const mat<double> &x,
                          const mat<double> &y, const layout &l) {
        return accumulate<double>(m, theta, x, y, l, true);
      });
    check_options o = pipeline_options(strategy_family::accumulation);
    o.laws = {"accumulation_correct"};
    const auto results = check(mine, o);
    ASSERT_FALSE(results.empty());
    for (const run_result &r : results) {
      SCOPED_TRACE(r.variant);
      EXPECT_EQ(r.status, run_status::falsified) << render_text(r);
      std::string matches, given;
      for (const auto &[k, v] : r.details) {
        if (k == "matches") matches = v;
        if (k == "weights given (probed)") given = v;
      }
      EXPECT_MESSAGE(matches, "accumulate_naive") << render_text(r);
      // Shrunk to the smallest witness: micro-batches of 1 and 2 examples, either way round.
      EXPECT_TRUE(given == "[1/2, 1/4, 1/4]" || given == "[1/4, 1/4, 1/2]") << render_text(r);
      EXPECT_EQ(matches.find("replica"), std::string::npos) << matches; // its own family only
    }
  }
}

TEST(UserPipelines, EachAggregationModeOfFineTuningCodeIsNamedByTheDiagnosis) {
  // A token pipeline aggregating by a mode of sequence and RL fine-tuning code (verl's
  // loss_agg_mode) is not the global token mean; the diagnosis names the mode it computes.
  // (seq_mean_token_mean is the strategy token_mean_of_sequence_means, diagnosed by its tests.)
  for (const std::string mode : {"seq_mean_token_sum", "fixed_denominator", "seq_mean_token_sum_norm"}) {
    SCOPED_TRACE(mode);
    const aggregation_mode &a = find_aggregation(mode);
    const pipeline_subject mine = make_pipeline_subject(
        "aggregated as " + mode, [&a]<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                               const mat<T> &y, const layout &l) -> vec<T> {
          std::vector<bool> labelled;
          for (std::size_t i = 0; i < l.size(); ++i) labelled.push_back(l.counts(i));
          return gradient<T>(m, theta, x, y, reduction::given(a.coefficients(l.groups, labelled)));
        });
    check_options o = pipeline_options(strategy_family::token);
    o.laws = {"token_global_mean"};
    const auto results = check(mine, o);
    ASSERT_FALSE(results.empty());
    bool named = false;
    for (const run_result &r : results) {
      EXPECT_EQ(r.status, run_status::falsified) << render_text(r);
      for (const auto &[k, v] : r.details)
        if (k == "matches") named = named || v.find(mode) != std::string::npos;
    }
    EXPECT_TRUE(named) << render_text(results.front());
  }
}

TEST(UserPipelines, APipelineCheckNeedsItsFamily) {
  const pipeline_subject mine = make_pipeline_subject(
      "p", [](const model &m, const vec<double> &theta, const mat<double> &x, const mat<double> &y,
              const layout &l) { return accumulate<double>(m, theta, x, y, l, false); });
  const std::string m = testing_support::message_of<error>([&] { (void)check(mine, {}); });
  EXPECT_MESSAGE(m, "check_options::pipeline");
}

} // namespace
} // namespace gradlaws
