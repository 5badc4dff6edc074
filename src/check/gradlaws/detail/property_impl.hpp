#pragma once
// Definitions of the property harness templates (declared in gradlaws/property.hpp).

#include "gradlaws/property.hpp"
#include "gradlaws/detail/deadline.hpp"
#include "gradlaws/diagnosis.hpp"
#include "gradlaws/opaque.hpp"

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

namespace detail {
/// The machine rung on F: the subject's sides in F, the reference's exact sides at working
/// precision, and the running error bounds of an evaluation in F — of the subject's own
/// computation when it is written generically (and so runs on rounded<F>), of the reference's
/// otherwise.
template <class F, class Subject, class Case>
verdict evaluate_machine(const law<Subject, Case> &l, const Subject &subject, const Case &c,
                         const run_options &opt, const tolerances &tol) {
  if constexpr (requires { is_opaque(c.m); }) {
    if (is_opaque(c.m)) // no exact value, no bound: the subject in double against itself in float
      return judge_two_precision(l.info.lhs, l.info.rhs, l.sides.template on<double>(subject, c),
                                 l.sides.template on<float>(subject, c), c.magnitude(), tol);
  }
  if constexpr (has_reference_v<Subject>) {
    const Subject &ref = reference<Subject>::get();
    machine_sides<F> s;
    {
      // The subject's own functions stand in for gradlaws's wherever the engine computes in F.
      own_functions_scope own(subject.own(), own_charge::law);
      s.computed = l.sides.template on<F>(subject, c);
    }
    {
      // The exact value is the yardstick of an error in F: 38 digits (two MPFR limbs, 22 beyond
      // double's) measure it to spare, and a higher working precision would only cost time.
      precision_scope scope(std::min(opt.digits, 38));
      s.exact = l.sides.template on<high>(ref, c);
    }
    const Subject &bounded = subject.template runs_on<rounded<F>>() ? subject : ref;
    const long before = branch_doubts();
    if (subject.own().empty()) {
      s.bound = l.sides.template on<rounded<F>>(bounded, c);
    } else {
      {
        own_functions_scope own(subject.own(), own_charge::law);
        s.bound = l.sides.template on<rounded<F>>(bounded, c);
      }
      own_functions_scope own(subject.own(), own_charge::accuracy, &s.functions);
      s.accuracy_bound = l.sides.template on<rounded<F>>(bounded, c);
    }
    s.branch_doubts = branch_doubts() - before;
    return judge_machine(l.info.lhs, l.info.rhs, opt.digits, s, tol);
  } else {
    throw unsupported_rung_error("'" + l.info.name + "' is written over a kind of subject with "
                                 "no reference, so it has no machine rung");
  }
}
} // namespace detail

namespace detail {
/// The machine rung in format f.
template <class Subject, class Case>
verdict evaluate_in(const law<Subject, Case> &l, const Subject &subject, const Case &c,
                    const run_options &opt, const tolerances &tol, machine_format f) {
  const auto in = [&]<class F>() -> verdict {
    if constexpr (requires { Subject::template kind_runs_on<F>(); }) {
      if constexpr (Subject::template kind_runs_on<F>())
        return evaluate_machine<F>(l, subject, c, opt, tol);
    }
    throw unsupported_rung_error("'" + l.info.name + "' is written over a kind of subject that "
                                 "does not run in " + std::string(to_string(f)) +
                                 " (only the training step's subjects run in the 16-bit formats)");
  };
  switch (f) {
  case machine_format::double_format: return in.template operator()<double>();
  case machine_format::float_format: return in.template operator()<float>();
  case machine_format::bfloat16_format: return in.template operator()<Eigen::bfloat16>();
  case machine_format::float16_format: return in.template operator()<Eigen::half>();
  }
  throw error("unknown machine format");
}
} // namespace detail

template <class Subject, property_case Case>
verdict evaluate(const law<Subject, Case> &l, const Subject &subject, const Case &c,
                 const run_options &opt, machine_format format) {
  tolerances tol = opt.tol;
  tol.values_of_equal_sides = false; // a case that holds is never shown
  switch (c.on) {
  case rung::exact:
    return judge_exact(l.info.lhs, l.info.rhs, l.sides.template on<exact>(subject, c), tol);
  case rung::high: {
    double magnitude = 1;
    if constexpr (requires { c.magnitude(); }) magnitude = c.magnitude();
    return judge_high(l.info.lhs, l.info.rhs, opt.digits, c.operations(),
                      [&] { return l.sides.template on<high>(subject, c); }, tol, magnitude);
  }
  case rung::machine:
    return detail::evaluate_in(l, subject, c, opt, tol, format);
  default:
    throw error("properties are judged on the exact, high or machine rung, not the " +
                std::string(to_string(c.on)) + " rung");
  }
}

namespace detail {
/// What a run of a law keeps of its cases: the verdicts' tally and the last failing case, with
/// its verdict or the error that kept it from being judged.
template <class Case> struct run_record {
  std::optional<Case> failing;
  std::optional<verdict> found;
  std::string error; ///< non-empty when the last failing case could not be evaluated
  std::map<verdict_kind, int> tally;
  int inaccurate = 0;
  std::vector<function_accuracy> functions;
};

/// The fields of a result that come from the law's words, the variant and the options.
run_result result_header(const property_info &info, const std::string &variant,
                         const std::string &test, const run_options &opt);
/// RapidCheck's outcome as the result's status, counts, reproduce line and message; true when
/// a case was falsified (the caller explains it).
bool record_outcome(const rc::detail::TestResult &result, bool judged, const std::string &error,
                    const std::map<verdict_kind, int> &tally, run_result &r);
/// RapidCheck's reproduce map (RC_PARAMS reproduce=…), read without RapidCheck printing its
/// "Using configuration" line to the user's stdout.
const std::unordered_map<std::string, rc::detail::Reproduce> &reproductions();
/// passed and seconds, once the status is known.
void conclude(run_result &r, std::chrono::steady_clock::time_point start);

/// A falsified case explained: its inputs and details, a fallacy's shape and certificate, the
/// regression draft and the pictures.
template <class Subject, class Case>
void explain_falsified(const law<Subject, Case> &l, const Subject &subject, const Case &c,
                       const verdict &found, const run_options &opt, run_result &r) {
  const property_info &info = l.info;
  r.found = found;
  if (info.kind == entry_kind::fallacy) {
    r.shape_problem = l.shape ? l.shape(c, found) : "";
    if (c.on == rung::high) {
      try {
        r.certificate = judge_interval(info.lhs, info.rhs, opt.digits,
                                       l.sides.template on<interval>(subject, c), opt.tol);
      } catch (const std::exception &e) {
        verdict none;
        none.kind = verdict_kind::not_certified;
        none.unavailable = std::string("no interval evaluation: ") + e.what();
        r.certificate = none;
      }
    }
  }
  if (l.regression) r.regression = l.regression(c, r.test_name, found);
  else if constexpr (std::is_same_v<problem, Case>)
    r.regression = draft_problem_regression(c, info, r.test_name, opt.digits, found);
  // Pictures illustrate; a case that cannot draw itself is reported without them, and says so.
  try {
    if (l.figures) r.figures = l.figures(c, found);
    else if constexpr (requires { c.figures(); }) r.figures = c.figures();
  } catch (const std::exception &e) {
    r.figures.clear();
    r.details.emplace_back("pictures unavailable", e.what());
  }
}

/// The failing case's inputs and named details (a case that failed to evaluate may not
/// explain itself).
template <class Case> void describe_failing(const Case &c, run_result &r) {
  r.counterexample = c.describe();
  if constexpr (requires { c.details(); }) {
    try {
      r.details = c.details();
    } catch (const std::exception &e) {
      r.details = {{"details unavailable", e.what()}};
    }
  }
}
} // namespace detail

template <class Subject, property_case Case>
run_result run_law(const law<Subject, Case> &l, const Subject &subject, const variant &v,
                   const std::string &test, const run_options &opt,
                   std::optional<Case> *failing_case) {
  const auto start = std::chrono::steady_clock::now();
  run_result r = detail::result_header(l.info, v.name(), test, opt);
  // The one place the working precision becomes MPFR's thread default: generators and
  // details that build high values see opt.digits; judge_high re-scopes its own evaluations.
  precision_scope scope(opt.digits);
  const rc::Gen<Case> gen = l.cases(v);
  detail::run_record<Case> rec;
  const auto property = [&] {
    const Case c = *gen;
    const detail::case_deadline deadline(opt.case_deadline, r.test_name, [&c] { return c.describe(); });
    verdict judged;
    try {
      judged = evaluate(l, subject, c, opt, v.format);
    } catch (const std::exception &e) {
      // On the machine rung, gradlaws's own evaluation in float or double overflowing means the
      // case lies outside the format's range, where no rounding bound holds: not judged.
      if (v.on == rung::machine && dynamic_cast<const nonfinite_error *>(&e))
        RC_DISCARD(std::string("outside the format's range: ") + e.what());
      rec.failing = c;
      rec.found.reset();
      rec.error = e.what();
      RC_FAIL(std::string("could not evaluate the case: ") + e.what());
    }
    ++rec.tally[judged.kind];
    if (!judged.accurate()) ++rec.inaccurate;
    for (const function_accuracy &f : judged.functions) keep_worst(rec.functions, f);
    if (judged.kind == verdict_kind::undecided) RC_DISCARD(judged.unavailable);
    if (!judged.equal()) {
      rec.failing = c;
      rec.found = judged;
      rec.error.clear();
      RC_FAIL(judged.summary());
    }
  };
  rc::detail::TestParams params;
  params.seed = r.seed;
  params.maxSuccess = opt.cases;
  params.maxSize = opt.max_size;
  params.disableShrinking = !opt.shrink;
  rc::detail::TestMetadata metadata;
  metadata.id = r.test_name;
  metadata.description = l.info.claim;
  detail::quiet_listener listener;
  const auto result = rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params,
                                                listener, detail::reproductions());
  if (result.template is<rc::detail::FailureResult>() && rec.failing)
    detail::describe_failing(*rec.failing, r);
  r.inaccurate_cases = rec.inaccurate;
  r.accuracy = rec.functions;
  if (detail::record_outcome(result, rec.found.has_value(), rec.error, rec.tally, r)) {
    detail::explain_falsified(l, subject, *rec.failing, *rec.found, opt, r);
    if (failing_case) *failing_case = rec.failing;
  }
  detail::conclude(r, start);
  return r;
}

namespace detail {
/// True when a case is within what the subject supports: its batch size, the registry entries
/// its model uses (unless the model is the subject's own), its groups' sizes.
template <class Case> bool admitted(const capabilities &c, const Case &x) {
  if constexpr (std::derived_from<Case, problem>) {
    if (!c.batch.admits(x.batch_size())) return false;
    if (!c.fixed_model && !c.refuses(x.m).empty()) return false;
  }
  if constexpr (requires { x.second->name(); })
    if (x.second && !c.losses.admits(*x.second)) return false;
  if constexpr (requires { x.lay.groups; })
    if (c.group.min > 1 || c.group.max)
      for (std::size_t n : x.lay.groups)
        if (!c.group.admits(n)) return false;
  return true;
}

/// g with every case (and every shrink) within c. The first draw uses g's own random stream,
/// so a case within c is the case g alone would draw; a case outside is redrawn, up to 100
/// times, at growing sizes.
template <class Case>
rc::Gen<Case> drawn_within(rc::Gen<Case> g, std::shared_ptr<const capabilities> c) {
  return [g = std::move(g), c](const rc::Random &random, int size) {
    const auto within = [c](const Case &x) { return admitted(*c, x); };
    rc::Random r(random);
    for (int tries = 0; tries < 100; ++tries)
      if (auto s = rc::shrinkable::filter(g(tries == 0 ? random : r.split(), size + tries), within))
        return std::move(*s);
    throw rc::GenerationFailure("no case within what the subject supports (" + c->describe() +
                                ") in 100 draws");
  };
}

/// The law as a user's subject sees it: cases drawn within the subject's capabilities (the
/// generators are narrowed where they can be, and every case is checked, shrinks included),
/// and judged on the machine rung for a machine variant, whatever rung the generator was
/// written for (the inputs are exact dyadics either way).
template <class Subject, class Case> law<Subject, Case> for_user_subject(law<Subject, Case> l) {
  l.cases = [cases = std::move(l.cases)](const variant &v) {
    rc::Gen<Case> g = cases(v);
    if (v.within && v.within->restricts())
      g = drawn_within(std::move(g), v.within);
    if (v.on != rung::machine) return g;
    return rc::gen::map(std::move(g), [](Case c) {
      c.on = rung::machine;
      return c;
    });
  };
  return l;
}

template <class Subject, class Case> plan_runner<Subject> user_run(law<Subject, Case> l) {
  return [l = for_user_subject(std::move(l))](const Subject &s, const variant &v,
                                              const std::string &test, const run_options &o) {
    std::optional<Case> failing;
    run_result r = run_law(l, s, v, test, o, &failing);
    if constexpr (std::is_same_v<Subject, pipeline_subject> && requires(const Case &c) { c.lay; }) {
      // A user's pipeline: the case's own details describe the variant's strategy, not the
      // subject; the probed weights describe the subject, on the layout the bug showed on
      // (with a masked extra item, if the case adds one).
      std::optional<strategy_family> family = l.info.domain.layouts;
      if (!family && v.strat) family = v.strat->info().family;
      if (failing) {
        layout probed = failing->lay;
        if constexpr (requires { failing->extended(); }) probed = failing->extended();
        r.details = diagnosis_details(diagnose_weights(s, probed, family));
      }
    } else if constexpr (std::is_same_v<Subject, gradient_subject>) {
      // A user's batch gradient: after the inputs, the probed weights of each reduction (not
      // for code written for one model, which cannot run the probe's model).
      if (failing && !v.fixed_model())
        for (auto &d : diagnose_reduction(s)) r.details.push_back(std::move(d));
    }
    // The catalogue's draft calls gradlaws's own functions; a user's draft replays the case on
    // the subject (laws of problem cases).
    r.regression.clear();
    if constexpr (std::is_same_v<Case, problem>)
      if (failing) r.regression = draft_subject_regression(*failing, s.name(), l.info.name, v.name(), test);
    return r;
  };
}

template <class Subject, class Case> case_runner<Subject> user_case_run(law<Subject, Case> l) {
  if constexpr (!std::is_same_v<Case, problem>) {
    return {};
  } else {
    return [l = for_user_subject(std::move(l))](const Subject &s, const variant &v,
                                                const problem &p, const std::string &test,
                                                const run_options &o) {
      law<Subject, Case> once = l;
      once.cases = [p](const variant &) { return rc::gen::just(p); };
      run_options one = o;
      one.cases = 1;
      run_result r = run_law(once, s, v, test, one);
      r.regression.clear();
      return r;
    };
  }
}
} // namespace detail

template <class Subject, property_case Case>
entry make_entry(law<Subject, Case> l, std::type_identity_t<subject_for<Subject>> subject) {
  entry e;
  e.name = l.info.name;
  e.kind = l.info.kind;
  e.family = l.info.family;
  e.claim = l.info.claim;
  e.formula = l.info.formula;
  e.boundary = l.info.boundary;
  e.variants = [domain = l.info.domain] {
    std::vector<std::string> names;
    for (const variant &v : variants_of(domain)) names.push_back(v.name());
    return names;
  };
  e.run = [l = std::move(l), subject = std::move(subject)](const std::string &name,
                                                           const run_options &opt) {
    const variant v = variant::parse(name);
    const std::string test = (l.info.kind == entry_kind::fallacy ? "fallacy_" : "law_") +
                             l.info.name + "." + v.name();
    return run_law(l, subject(v), v, test, opt);
  };
  return e;
}

} // namespace gradlaws
