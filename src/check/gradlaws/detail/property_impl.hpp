#pragma once
// Definitions of the property harness templates (declared in gradlaws/property.hpp).

#include "gradlaws/property.hpp"

#include <rapidcheck/detail/Property.h>
#include <rapidcheck/detail/TestListener.h>

namespace gradlaws::detail {

/// Counts accepted shrinks; otherwise silent (the harness writes its own report).
class quiet_listener final : public rc::detail::TestListener {
public:
  void onTestCaseFinished(const rc::detail::CaseDescription &) override {}
  void onShrinkTried(const rc::detail::CaseDescription &, bool accepted) override {
    if (accepted) ++accepted_shrinks;
  }
  void onTestFinished(const rc::detail::TestMetadata &, const rc::detail::TestResult &) override {}
  int accepted_shrinks = 0;
};

std::string tally_string(const std::map<verdict_kind, int> &tally);

} // namespace gradlaws::detail

namespace gradlaws {

template <property_case Case, class Sides>
verdict evaluate(const Case &c, const Sides &s, const property_info &info, const run_options &opt) {
  switch (c.on) {
  case rung::exact: return judge_exact(info.lhs, info.rhs, s.template operator()<exact>(c));
  case rung::high:
    return judge_high(info.lhs, info.rhs, opt.digits, c.operations(),
                      [&] { return s.template operator()<high>(c); }, opt.tol);
  default:
    throw error("properties are judged on the exact or the high rung, not the " +
                std::string(to_string(c.on)) + " rung");
  }
}

template <property_case Case, class Sides>
run_result run_property(const property_info &info, const std::string &variant,
                        const rc::Gen<Case> &gen, const Sides &s, const shape_check<Case> &shape,
                        const regression_writer<Case> &regression, const run_options &opt) {
  const auto start = std::chrono::steady_clock::now();
  run_result r;
  r.entry = info.name;
  r.variant = variant;
  r.kind = info.kind;
  r.claim = info.claim;
  r.formula = info.formula;
  r.expected_shape = info.expected_shape;
  r.explanation = info.explanation;
  r.test_name = (info.kind == entry_kind::fallacy ? "fallacy_" : "law_") + info.name + "." + variant;
  r.seed = opt.seed ? *opt.seed : default_seed(r.test_name);

  precision_scope scope(opt.digits);
  std::optional<Case> failing;
  std::optional<verdict> failing_verdict;
  std::string failing_error; // non-empty when the last failing case could not be evaluated
  std::map<verdict_kind, int> tally;

  const auto property = [&] {
    const Case c = *gen;
    verdict v;
    try {
      v = evaluate(c, s, info, opt);
    } catch (const std::exception &e) {
      failing = c;
      failing_verdict.reset();
      failing_error = e.what();
      RC_FAIL(std::string("could not evaluate the case: ") + e.what());
    }
    ++tally[v.kind];
    if (!v.equal()) {
      failing = c;
      failing_verdict = v;
      failing_error.clear();
      RC_FAIL(v.summary());
    }
  };

  rc::detail::TestParams params;
  params.seed = r.seed;
  params.maxSuccess = opt.cases;
  rc::detail::TestMetadata metadata;
  metadata.id = r.test_name;
  metadata.description = info.claim;
  detail::quiet_listener listener;
  const auto result = rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params,
                                                listener, rc::detail::configuration().reproduce);

  if (result.template is<rc::detail::SuccessResult>()) {
    r.status = run_status::held;
    r.cases = result.template get<rc::detail::SuccessResult>().numSuccess;
    r.tally = detail::tally_string(tally);
  } else if (result.template is<rc::detail::FailureResult>()) {
    const auto &f = result.template get<rc::detail::FailureResult>();
    r.cases = f.numSuccess;
    r.shrinks = int(f.reproduce.shrinkPath.size());
    r.reproduce = reproduce_line(r.test_name, f.reproduce);
    if (failing) {
      r.counterexample = failing->describe();
      if constexpr (requires { failing->details(); }) {
        try {
          r.details = failing->details();
        } catch (const std::exception &e) { // a case that failed to evaluate may not explain itself
          r.details = {{"details unavailable", e.what()}};
        }
      }
    }
    if (!failing_error.empty() || !failing_verdict) {
      r.status = run_status::setup_failure;
      r.message = failing_error.empty() ? f.description : failing_error;
    } else {
      r.status = run_status::falsified;
      r.found = failing_verdict;
      if (info.kind == entry_kind::fallacy) {
        r.shape_problem = shape ? shape(*failing, *failing_verdict) : "";
        if (failing->on == rung::high) {
          try {
            precision_scope certify(opt.digits);
            r.certificate = judge_interval(info.lhs, info.rhs, opt.digits,
                                           s.template operator()<interval>(*failing), opt.tol);
          } catch (const std::exception &e) {
            verdict none;
            none.kind = verdict_kind::not_certified;
            none.unavailable = std::string("no interval evaluation: ") + e.what();
            r.certificate = none;
          }
        }
      }
      if (regression) {
        r.regression = regression(*failing, r.test_name, *failing_verdict);
      } else if constexpr (std::is_base_of_v<problem, Case>) {
        if (std::is_same_v<problem, Case>)
          r.regression = draft_problem_regression(*failing, info, r.test_name, opt.digits,
                                                  *failing_verdict);
      }
    }
  } else if (result.template is<rc::detail::GaveUpResult>()) {
    const auto &g = result.template get<rc::detail::GaveUpResult>();
    r.status = run_status::gave_up;
    r.cases = g.numSuccess;
    r.message = g.description;
  } else {
    r.status = run_status::setup_failure;
    r.message = result.template get<rc::detail::Error>().description;
  }

  if (info.kind == entry_kind::fallacy)
    r.passed = r.status == run_status::falsified && r.shape_problem.empty();
  else
    r.passed = r.status == run_status::held;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

template <property_case Case, class Sides>
entry make_property(property_info info, std::function<std::vector<std::string>()> variants,
                    case_generator<Case> gen, Sides s, shape_check<Case> shape,
                    regression_writer<Case> regression) {
  if (info.lhs.empty() || info.rhs.empty())
    throw error("property '" + info.name + "' must name both sides of its equality");
  entry e;
  e.name = info.name;
  e.kind = info.kind;
  e.family = info.family;
  e.claim = info.claim;
  e.formula = info.formula;
  e.boundary = info.boundary;
  e.variants = std::move(variants);
  e.run = [info = std::move(info), gen = std::move(gen), s = std::move(s), shape = std::move(shape),
           regression = std::move(regression)](const std::string &variant, const run_options &opt) {
    return run_property<Case>(info, variant, gen(variant), s, shape, regression, opt);
  };
  return e;
}

} // namespace gradlaws
