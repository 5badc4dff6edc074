#pragma once
// Laws and fallacies as RapidCheck properties, written once and registered in the catalogue.
//
// A property is: a Case type, a generator of cases per variant, and a generic `sides` function
// that computes both sides of the claimed equality on any rung:
//
//   gradlaws::register_property<gradlaws::problem>(
//       {.name = "linearity", .kind = gradlaws::entry_kind::law, .family = "linearity",
//        .claim = "…", .formula = "∇J = (1/N) Σ ∇L_i",
//        .lhs = "batched backprop of J", .rhs = "mean of per-example backprops"},
//       gradlaws::activation_variants(),
//       [](const std::string &v) { return gradlaws::gen::problems(gradlaws::options_for(v)); },
//       []<class T>(const gradlaws::problem &p) -> gradlaws::sides<T> { … });
//
// A law passes when every case is judged equal. A fallacy passes when a case is judged
// different AND its shrunk counterexample has the expected shape (the `shape` check returns
// "" for the expected shape, or says what is off).
//
// Case requirements: copyable; `rung on`; `std::string describe() const` (the inputs as a named
// list); `double operations() const` (size of the computation, for the high-rung tolerance).
// Optional: `std::vector<std::pair<std::string, std::string>> details() const`, named facts
// shown in every report of a falsified case (weight vectors, for instance).

#include "gradlaws/catalogue.hpp"
#include "gradlaws/gen.hpp"
#include "gradlaws/problem.hpp"
#include "gradlaws/judge.hpp"

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
};

template <class Case> using case_generator = std::function<rc::Gen<Case>(const std::string &variant)>;
template <class Case> using shape_check = std::function<std::string(const Case &, const verdict &)>;
/// Drafts a regression test for a falsified case: (case, test name, its verdict) → C++ source.
template <class Case>
using regression_writer =
    std::function<std::string(const Case &, const std::string &test, const verdict &found)>;

/// Judges both sides of `c` on its rung (exact: ==; high: the precision-scaling verdict).
template <property_case Case, class Sides>
verdict evaluate(const Case &c, const Sides &s, const property_info &info, const run_options &opt);

/// Runs a property for one variant and returns everything a report needs.
template <property_case Case, class Sides>
run_result run_property(const property_info &info, const std::string &variant,
                        const rc::Gen<Case> &gen, const Sides &s, const shape_check<Case> &shape,
                        const regression_writer<Case> &regression, const run_options &opt);

/// A catalogue entry for the property (not registered).
template <property_case Case, class Sides>
entry make_property(property_info info, std::function<std::vector<std::string>()> variants,
                    case_generator<Case> gen, Sides s, shape_check<Case> shape = {},
                    regression_writer<Case> regression = {});

/// make_property + register_entry.
template <property_case Case, class Sides>
bool register_property(property_info info, std::function<std::vector<std::string>()> variants,
                       case_generator<Case> gen, Sides s, shape_check<Case> shape = {},
                       regression_writer<Case> regression = {}) {
  return register_entry(make_property<Case>(std::move(info), std::move(variants), std::move(gen),
                                            std::move(s), std::move(shape), std::move(regression)));
}

// ---------------------------------------------------------------------------------------------
// Variants over the activation registry: "<activation>_<rung>".

/// Every registry activation on each of the exact and high rungs it supports.
std::function<std::vector<std::string>()> activation_variants();
/// Every registry activation on its most exact rung; `keep` filters.
std::function<std::vector<std::string>()>
best_rung_activation_variants(std::function<bool(const activation &)> keep = {});
/// A fixed list of variant names.
std::function<std::vector<std::string>()> variant_list(std::vector<std::string> names);

struct activation_variant {
  const activation *act;
  rung on;
};
/// Parses "<activation>_<rung>"; throws unknown_name_error for unknown parts.
activation_variant parse_activation_variant(const std::string &variant);
/// problems() options for an activation variant (every hidden layer uses the activation).
gen::problem_options options_for(const std::string &variant);

/// A GoogleTest regression test that pins a case. `setup` declares the inputs in terms of a
/// scalar T (it runs inside a lambda, so that the high rung can re-make them at a second
/// precision); the sides are info.lhs_code and info.rhs_code.
std::string draft_regression(const property_info &info, const std::string &test, rung on,
                             int digits, double operations, const std::string &setup,
                             const verdict &found);
/// draft_regression for a problem: declares m, theta, x and y. Empty when the model cannot
/// print its construction or the property has no side expressions.
std::string draft_problem_regression(const problem &p, const property_info &info,
                                     const std::string &test, int digits, const verdict &found);

/// The deterministic default seed of a test (FNV-1a of its name).
std::uint64_t default_seed(const std::string &test);
/// RC_PARAMS line that replays a failure of `test`.
std::string reproduce_line(const std::string &test, const rc::detail::Reproduce &r);

} // namespace gradlaws

#include "gradlaws/detail/property_impl.hpp"
