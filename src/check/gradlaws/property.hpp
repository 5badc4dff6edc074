#pragma once
// Laws and fallacies as RapidCheck properties, written once over a subject — the code under
// test (gradlaws/subject.hpp) — and applied to subjects by the catalogue.
//
// A law is: its words, a generator of cases per variant, and a generic `sides` function that
// computes both sides of the claimed equality from the subject and a case, on any rung:
//
//   const gradlaws::law<gradlaws::gradient_subject, gradlaws::problem> linearity =
//       gradlaws::make_law<gradlaws::gradient_subject, gradlaws::problem>(
//           {.name = "linearity", .kind = gradlaws::entry_kind::law, .family = "linearity",
//            .claim = "…", .formula = "∇J = (1/N) Σ ∇L_i",
//            .lhs = "batched backprop of J", .rhs = "mean of per-example backprops"},
//           [](const gradlaws::variant &v) { return gradlaws::gen::problems(options_for(v)); },
//           []<class T>(const gradlaws::gradient_subject &g, const gradlaws::problem &p)
//               -> gradlaws::sides<T> { … });
//   const bool registered = gradlaws::register_law(linearity, gradlaws::builtin_gradient_subject);
//
// What a law ranges over is its words' `domain` (gradlaws/domain.hpp): the catalogue's
// variants are that domain enumerated, and check() offers the law to a user's subject of its
// kind within the subject's capabilities. Registration is explicit: register_law (or
// register_fallacy) puts a law in the catalogue and in users' plans; make_entry and run_law
// only run it.
//
// A law passes when every case is judged equal. A fallacy passes when a case is judged
// different AND its shrunk counterexample has the expected shape (the `shape` check returns
// "" for the expected shape, or says what is off).
//
// Case requirements: copyable; `rung on`; `std::string describe() const` (the inputs as a named
// list); `double operations() const` (size of the computation, for the high-rung tolerance).
// Optional: `std::vector<std::pair<std::string, std::string>> details() const`, named facts
// shown in every report of a falsified case (weight vectors, for instance), and
// `std::vector<figure> figures() const`, pictures of it (a law's own figure_writer, when set,
// is used instead).

#include "gradlaws/catalogue.hpp"
#include "gradlaws/domain.hpp"
#include "gradlaws/gen.hpp"
#include "gradlaws/problem.hpp"
#include "gradlaws/judge.hpp"
#include "gradlaws/subject.hpp"
#include "gradlaws/variant.hpp"

#include <rapidcheck.h>

#include <chrono>
#include <concepts>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gradlaws {

template <class Case>
concept property_case = std::copyable<Case> && requires(const Case &c) {
  { c.on } -> std::convertible_to<rung>;
  { c.describe() } -> std::convertible_to<std::string>;
  { c.operations() } -> std::convertible_to<double>;
};

/// The words of a law or fallacy.
struct property_info {
  std::string name;
  entry_kind kind = entry_kind::law;
  std::string family;
  std::string claim;
  std::string formula;
  std::string lhs, rhs;        ///< names of the two sides
  /// The two sides as C++ expressions of type vec<T> over `m`, `theta`, `x`, `y` (problem
  /// cases), used to draft regression tests; leave empty for cases they cannot express.
  std::string lhs_code, rhs_code;
  std::string boundary;        ///< fallacy ↔ boundary law cross-reference
  std::string expected_shape;  ///< fallacy: the shape its shrunk counterexample must have
  std::string explanation;     ///< why the sides agree or part, in words
  /// What the law ranges over: its variants, rungs and formats, what it hands its subject.
  law_domain domain;
};

template <class Case> using case_generator = std::function<rc::Gen<Case>(const variant &)>;
template <class Case> using shape_check = std::function<std::string(const Case &, const verdict &)>;
/// Drafts a regression test for a falsified case: (case, test name, its verdict) → C++ source.
template <class Case>
using regression_writer =
    std::function<std::string(const Case &, const std::string &test, const verdict &found)>;

/// Both sides of a law on each rung it is judged on (exact, high, and interval for
/// certificates), from one generic function `[]<class T>(const Subject &, const Case &) ->
/// sides<T>`, instantiated where the law is written.
template <class Subject, class Case> struct law_sides {
  template <class T> using side_fn = std::function<sides<T>(const Subject &, const Case &)>;

  /// The exact and high sides of f; the interval side too when `certify` (fallacies: their
  /// high-rung witnesses are certified by disjoint enclosures). Laws never need it, and
  /// leaving it out saves compiling every law's formulas on intervals. Subjects with a
  /// reference also get the machine rung's sides: in each format their kind runs in (double
  /// and float; bfloat16 and float16 too for the training step's subjects), plain and with
  /// running error bounds.
  template <bool certify, class F> static law_sides from(const F &f) {
    law_sides s;
    s.set<exact>(f);
    s.set<high>(f);
    if constexpr (certify) s.set<interval>(f);
    if constexpr (has_reference_v<Subject>) {
      s.set_machine<double>(f);
      s.set_machine<float>(f);
      s.set_machine<Eigen::bfloat16>(f);
      s.set_machine<Eigen::half>(f);
    }
    return s;
  }
  void drop_machine_rung() {
    std::get<side_fn<double>>(fns_) = {};
    std::get<side_fn<float>>(fns_) = {};
    std::get<side_fn<Eigen::bfloat16>>(fns_) = {};
    std::get<side_fn<Eigen::half>>(fns_) = {};
  }
  bool has_machine_rung() const { return bool(std::get<side_fn<double>>(fns_)); }
  template <class T> sides<T> on(const Subject &s, const Case &c) const {
    const side_fn<T> &f = std::get<side_fn<T>>(fns_);
    if (!f) {
      if constexpr (std::is_same_v<T, interval>)
        throw error("this law has no interval sides (only fallacies are certified)");
      else
        throw unsupported_rung_error("this law has no sides on " + scalar_traits<T>::name() +
                                     " (only subjects with a reference run on the machine rung, "
                                     "and only the training step's in bfloat16 and float16)");
    }
    return f(s, c);
  }

private:
  template <class... Ts> static std::tuple<side_fn<Ts>...> table_of(type_list<Ts...>);
  using judged_scalars =
      type_list<exact, high, interval, double, float, Eigen::bfloat16, Eigen::half,
                rounded<double>, rounded<float>, rounded<Eigen::bfloat16>, rounded<Eigen::half>>;
  decltype(table_of(judged_scalars{})) fns_;

  template <class T, class F> void set(const F &f) {
    std::get<side_fn<T>>(fns_) = [f](const Subject &x, const Case &c) {
      return f.template operator()<T>(x, c);
    };
  }
  /// Format M and its running-error values, when subjects of this kind run in M.
  template <class M, class F> void set_machine(const F &f) {
    if constexpr (Subject::template kind_runs_on<M>()) {
      set<M>(f);
      set<rounded<M>>(f);
    }
  }
};

/// Pictures of a falsified case: (case, its verdict) → figures (see gradlaws/catalogue.hpp).
template <class Case>
using figure_writer = std::function<std::vector<figure>(const Case &, const verdict &found)>;

/// A law or fallacy written once over a subject of type Subject, on cases of type Case.
template <class Subject, property_case Case> struct law {
  property_info info;
  case_generator<Case> cases;
  law_sides<Subject, Case> sides;
  shape_check<Case> shape;
  regression_writer<Case> regression;
  figure_writer<Case> figures; ///< optional; else the case's own figures(), if it has one

  /// This law with pictures drawn by f.
  law with_figures(figure_writer<Case> f) const {
    law l = *this;
    l.figures = std::move(f);
    return l;
  }
};

/// A law from its words, cases and generic sides (on the exact and high rungs).
template <class Subject, property_case Case, class Sides>
law<Subject, Case> make_law(property_info info, case_generator<Case> cases, const Sides &s) {
  if (info.lhs.empty() || info.rhs.empty())
    throw error("law '" + info.name + "' must name both sides of its equality");
  auto sides = law_sides<Subject, Case>::template from<false>(s);
  if (info.domain.formats.empty()) sides.drop_machine_rung();
  return {std::move(info), std::move(cases), std::move(sides), {}, {}, {}};
}

/// A fallacy from its words, cases, generic sides (also on the interval rung, to certify its
/// witness), the check of its shrunk counterexample's shape and, optionally, a regression
/// writer (problem cases have a default one).
template <class Subject, property_case Case, class Sides>
law<Subject, Case> make_fallacy(property_info info, case_generator<Case> cases, const Sides &s,
                                shape_check<Case> shape, regression_writer<Case> regression = {}) {
  if (info.lhs.empty() || info.rhs.empty())
    throw error("fallacy '" + info.name + "' must name both sides of its equality");
  if (info.kind != entry_kind::fallacy)
    throw error("make_fallacy: '" + info.name + "' is not of kind fallacy");
  return {std::move(info), std::move(cases), law_sides<Subject, Case>::template from<true>(s),
          std::move(shape), std::move(regression), {}};
}

/// Judges both sides of `c` on its rung (exact: ==; high: the precision-scaling verdict;
/// machine: the law verdict — the two sides under the sum of their rounding bounds, each side's
/// accuracy against the reference's exact value as evidence — in the given format; for an
/// opaque model, the two-precision rule).
template <class Subject, property_case Case>
verdict evaluate(const law<Subject, Case> &l, const Subject &subject, const Case &c,
                 const run_options &opt, machine_format format = machine_format::double_format);

/// Runs a law on a subject for one variant and returns everything a report needs. `test` is
/// the name that reproduces the run. `failing_case`, when given, receives the shrunk
/// counterexample of a falsified run.
template <class Subject, property_case Case>
run_result run_law(const law<Subject, Case> &l, const Subject &subject, const variant &v,
                   const std::string &test, const run_options &opt,
                   std::optional<Case> *failing_case = nullptr);

/// A law as it applies to any subject of its kind, the user's code included (see
/// gradlaws/checks.hpp): its words (the domain among them) and a run on a given subject and
/// variant, whose `within` carries the subject's capabilities.
template <class Subject>
using plan_runner = std::function<run_result(const Subject &, const variant &,
                                             const std::string &test, const run_options &)>;
/// A law of problem cases run on one given case instead of drawn ones (the replay of a
/// drafted regression test).
template <class Subject>
using case_runner = std::function<run_result(const Subject &, const variant &, const problem &,
                                             const std::string &test, const run_options &)>;
template <class Subject> struct plan_law {
  property_info info;
  plan_runner<Subject> run;
  case_runner<Subject> run_case; ///< empty for a law whose cases are not problems
};
namespace detail {
template <class Subject> std::vector<plan_law<Subject>> &plan_law_table() {
  static std::vector<plan_law<Subject>> laws;
  return laws;
}
/// How a law runs on a user's subject: cases within its capabilities, the machine rung for
/// machine variants, the diagnosis of a falsified case.
template <class Subject, class Case> plan_runner<Subject> user_run(law<Subject, Case> l);
/// The same on one given case, for laws of problem cases.
template <class Subject, class Case> case_runner<Subject> user_case_run(law<Subject, Case> l);
} // namespace detail
/// The laws and boundary laws offered to users' subjects of a kind, in registration order:
/// those registered with register_law whose domain is for users. Nothing else joins it.
template <class Subject> const std::vector<plan_law<Subject>> &plan_laws() {
  return detail::plan_law_table<Subject>();
}

/// Which subject a variant names: the built-in subject of every variant, or one chosen by it
/// (the variant's activation or strategy).
template <class Subject> using subject_for = std::function<Subject(const variant &)>;

/// The catalogue entry of a law applied, for each variant of its domain, to the subject the
/// variant names. Registers nothing: a law run this way (a test's planted bug, say) reaches
/// neither the catalogue nor a user's plan.
template <class Subject, property_case Case>
entry make_entry(law<Subject, Case> l, std::type_identity_t<subject_for<Subject>> subject);

/// Registers a law: its catalogue entry (one test per variant of its domain) and, when its
/// domain is for users and its kind of subject has a reference, its place in users' plans.
template <class Subject, property_case Case>
bool register_law(law<Subject, Case> l, std::type_identity_t<subject_for<Subject>> subject) {
  if constexpr (has_reference_v<Subject>)
    if (l.info.domain.for_users && l.info.kind != entry_kind::fallacy)
      detail::plan_law_table<Subject>().push_back(
          {l.info, detail::user_run(l), detail::user_case_run(l)});
  return register_entry(make_entry(std::move(l), std::move(subject)));
}

/// What a boundary law adds to its fallacy: its name and words, the cases on the boundary,
/// and (where they differ from the fallacy's) the names of the two sides.
template <class Case> struct boundary {
  std::string name, claim, formula, explanation;
  case_generator<Case> cases;
  law_domain domain; ///< where the boundary law ranges (its variants)
  std::string lhs, rhs; ///< empty: the fallacy's
};

/// Registers a fallacy and its boundary law as one pair: the boundary law shares the
/// fallacy's family, sides and side names (unless it names its own), and each names the
/// other. `boundary_subject` (default: `subject`) picks the boundary law's subjects.
template <class Subject, property_case Case>
bool register_fallacy(law<Subject, Case> fallacy, boundary<Case> b,
                      std::type_identity_t<subject_for<Subject>> subject,
                      std::type_identity_t<subject_for<Subject>> boundary_subject = {}) {
  if (fallacy.info.kind != entry_kind::fallacy)
    throw error("register_fallacy: '" + fallacy.info.name + "' is not a fallacy");
  law<Subject, Case> bl;
  bl.info = fallacy.info;
  bl.info.name = b.name;
  bl.info.kind = entry_kind::boundary_law;
  bl.info.claim = std::move(b.claim);
  bl.info.formula = std::move(b.formula);
  bl.info.explanation = std::move(b.explanation);
  bl.info.expected_shape.clear();
  bl.info.boundary = fallacy.info.name;
  bl.info.domain = std::move(b.domain);
  if (!b.lhs.empty()) bl.info.lhs = std::move(b.lhs);
  if (!b.rhs.empty()) bl.info.rhs = std::move(b.rhs);
  bl.cases = std::move(b.cases);
  bl.sides = fallacy.sides;
  fallacy.info.boundary = bl.info.name;
  register_law(std::move(bl), boundary_subject ? std::move(boundary_subject) : subject);
  return register_law(std::move(fallacy), std::move(subject));
}

/// The built-in subjects, for every variant: gradlaws's backprop, backward pass, and the
/// variant's strategy or activation.
inline gradient_subject builtin_gradient_subject(const variant &) { return backprop_subject(); }
inline backward_subject builtin_backward_subject(const variant &) { return backward_pass_subject(); }
pipeline_subject variant_strategy_subject(const variant &v);
const activation *variant_activation(const variant &v);

/// problems() options for an activation variant (every hidden layer uses the activation), or
/// for the fixed model of a user's subject; within the subject's capabilities.
gen::problem_options options_for(const variant &v);
/// o narrowed to what the subject of v supports (v.within): its fixed model, its activations
/// and losses, its batch sizes. Throws gradlaws::error when the two leave no batch size.
gen::problem_options within_capabilities(gen::problem_options o, const variant &v);

/// A GoogleTest regression test that pins a case. `setup` declares the inputs in terms of a
/// scalar T (it runs inside a lambda, so that the high rung can re-make them at a second
/// precision); the sides are info.lhs_code and info.rhs_code.
std::string draft_regression(const property_info &info, const std::string &test, rung on,
                             int digits, double operations, const std::string &setup,
                             const verdict &found, double magnitude = 1);
/// A GoogleTest regression test of a user's gradient subject that failed `law` on `variant`:
/// the shrunk case's exact values, replayed on the subject by check_case. The user defines
/// my_subject() to return the subject as they hand it to check().
std::string draft_subject_regression(const problem &p, const std::string &subject,
                                     const std::string &law, const std::string &variant,
                                     const std::string &test);
/// draft_regression for a problem: declares m, theta, x and y. Empty when the model cannot
/// print its construction or the property has no side expressions.
std::string draft_problem_regression(const problem &p, const property_info &info,
                                     const std::string &test, int digits, const verdict &found);

/// Both sides of a problem law as two named engine functions of (m, θ, x, y), each given the
/// subject's batch gradient: the property evaluates `lhs<T>(m, θ, x, y, g)` and a drafted
/// regression test calls `lhs<T>(m, theta, x, y)` by the same name, so code and draft cannot
/// drift. Use as make_law's sides, with GRADLAWS_SIDE_CODES in the law's words.
#define GRADLAWS_NAMED_SIDES(lhs_fn, rhs_fn)                                                  \
  []<class T>(const ::gradlaws::gradient_subject &g, const ::gradlaws::problem &p)            \
      -> ::gradlaws::sides<T> {                                                               \
    const auto l = ::gradlaws::lift<T>(p);                                                    \
    return {::gradlaws::lhs_fn<T>(p.m, l.theta, l.x, l.y, ::gradlaws::on<T>(g)),              \
            ::gradlaws::rhs_fn<T>(p.m, l.theta, l.x, l.y, ::gradlaws::on<T>(g))};             \
  }
/// The regression-draft spelling of GRADLAWS_NAMED_SIDES's two functions.
#define GRADLAWS_SIDE_CODES(lhs_fn, rhs_fn)                                                   \
  .lhs_code = #lhs_fn "<T>(m, theta, x, y)", .rhs_code = #rhs_fn "<T>(m, theta, x, y)"

/// The deterministic default seed of a test (FNV-1a of its name).
std::uint64_t default_seed(const std::string &test);
/// RC_PARAMS line that replays a failure of `test`.
std::string reproduce_line(const std::string &test, const rc::detail::Reproduce &r);

} // namespace gradlaws

#include "gradlaws/detail/property_impl.hpp"
