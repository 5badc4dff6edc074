#pragma once
// The catalogue: every law and fallacy gradlaws knows, as named entries. Properties files
// register entries (see property.hpp); the test runner turns each (entry, variant) into one
// CTest test, and the command line lists, checks and reports them.

#include "gradlaws/verdict.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gradlaws {

enum class entry_kind {
  law,          ///< must hold on every generated case
  boundary_law, ///< a law that marks where a fallacy's equality is restored
  fallacy       ///< expected to be falsified, with a shrunk counterexample of known shape
};
std::string_view to_string(entry_kind k);

/// How one entry is run. Defaults are the ones ctest uses.
struct run_options {
  std::optional<std::uint64_t> seed; ///< unset: RC_PARAMS' seed if given, else one per entry
  int cases = 100;                   ///< cases a law must pass / a fallacy may try
  int digits = default_digits;       ///< working precision of the high rung
  int max_size = 100;                ///< RapidCheck's largest size parameter (RC_PARAMS max_size)
  bool shrink = true;                ///< shrink a counterexample (RC_PARAMS noshrink=1: no)
  /// The longest one case may take, in seconds (0: no limit). A subject that does not return
  /// within it ends the process with a message naming the run and the case: a stuck subject
  /// cannot be interrupted safely, and a run that never ends reports nothing.
  double case_deadline = 600;

  /// The fewest cases a run may have (every law must be checked on at least one case) and
  /// the most (RapidCheck keeps every case's state: more exhausts memory).
  static constexpr int min_cases = 1, max_cases = 1'000'000;
  /// The smallest max_size: RapidCheck scales every generated range by size/100, so below
  /// this the values collapse towards 0 and a gradient that always returns 0 passes.
  static constexpr int min_max_size = 20, max_max_size = 1'000'000;
  tolerances tol{};
  /// The command that reruns this check, printed after the RC_PARAMS of a reproduce line;
  /// empty: the catalogue's ctest test. (The GoogleTest glue sets it to the user's binary.)
  std::string rerun;
};

enum class run_status {
  held,          ///< every case passed
  falsified,     ///< a counterexample was found (and shrunk)
  gave_up,       ///< the generator discarded too many cases
  setup_failure  ///< the property could not be evaluated (bad input, unsupported rung, …)
};
std::string_view to_string(run_status s);

/// A picture of a shrunk counterexample, as data: the check layer computes the numbers, the
/// report layer draws them (SVG). Plain doubles: a picture shows shapes, the report's text
/// keeps the exact values.
struct figure {
  enum class mark {
    line,   ///< a polyline through (x_i, y_i)
    dashed, ///< the same, dashed
    points, ///< a dot at each (x_i, y_i)
    bars,   ///< a bar at category x_i (an index into categories) of height y_i
    arrows  ///< an arrow from the origin to each (x_i, y_i)
  };
  struct series {
    std::string label;
    mark style = mark::line;
    std::vector<double> x, y;
    /// Optional: a short label beside each point (arrows, points), e.g. "∇L_1".
    std::vector<std::string> point_labels;
  };
  std::string name;    ///< file stem, unique within its result: "jensen-gap"
  std::string title;   ///< one line
  std::string caption; ///< what to see in it, in words
  std::string x_label, y_label;
  std::vector<std::string> categories; ///< bars: the names under the bars
  std::vector<series> data;
};

struct run_result {
  std::string entry, variant;
  entry_kind kind = entry_kind::law;
  std::string claim, formula;
  run_status status = run_status::setup_failure;
  bool passed = false;         ///< law: held; fallacy: falsified with the expected shape
  int cases = 0;               ///< cases that passed before the outcome
  int shrinks = 0;             ///< accepted shrink steps
  std::uint64_t seed = 0;
  std::string reproduce;       ///< RC_PARAMS="reproduce=…" line, when falsified
  std::string rerun;           ///< the command to put after it (empty: ctest of test_name)
  std::string test_name;       ///< the CTest test name of this entry and variant
  std::string counterexample;  ///< the shrunk inputs as a named list
  std::optional<verdict> found;       ///< the verdict on the shrunk counterexample
  std::optional<verdict> certificate; ///< interval verdict on the shrunk counterexample
  std::string shape_problem;   ///< fallacy: why the shrunk case does not have the expected shape
  std::string expected_shape;  ///< fallacy: the shape its shrunk counterexample must have
  std::string explanation;     ///< why the two sides part (or agree), in words
  std::string message;         ///< gave up / setup failure: what went wrong
  std::string tally;           ///< laws: verdicts over the cases, e.g. "100 exactly equal"
  std::string regression;      ///< a ready-to-compile GoogleTest test of the shrunk case
  /// Named facts about the shrunk case beyond its inputs, e.g. {"weights given", "[1/2, 1/4, 1/4]"}
  /// and {"correct weights", "[1/3, 1/3, 1/3]"}; rendered by every report format.
  std::vector<std::pair<std::string, std::string>> details;
  /// Pictures of the shrunk counterexample (see figure); rendered by the Markdown and HTML
  /// reports.
  std::vector<figure> figures;
  /// Machine rung, the accuracy verdict over the cases evaluated: how many had a side beyond
  /// its accuracy bound of the exact value, and each own function's worst measured error.
  int inaccurate_cases = 0;
  std::vector<function_accuracy> accuracy;
  double seconds = 0;
};

struct entry {
  std::string name;
  entry_kind kind = entry_kind::law;
  std::string family;   ///< the catalogue family (DESIGN.md section 5)
  std::string claim;    ///< in words
  std::string formula;  ///< in the user's notation
  std::string boundary; ///< fallacy: the name of its boundary law; boundary law: its fallacy
  std::function<std::vector<std::string>()> variants; ///< e.g. "relu_exact"
  std::function<run_result(const std::string &variant, const run_options &)> run;
};

/// Adds an entry; throws gradlaws::error if the name is taken. Returns true (for static
/// registration: `static const bool registered = gradlaws::register_entry(...)`).
bool register_entry(entry e);
/// Every registered entry, laws first, each kind in name order.
std::vector<const entry *> catalogue();
/// Looks up an entry; throws unknown_name_error listing the names.
const entry &find_entry(std::string_view name);

/// The question's own example of averaging before a nonlinearity, computed on the high rung:
/// σ′ at the mean of the pre-activations z and the mean of σ′ over z, each printed with
/// `digits` significant digits (sigmoid, z = {0, 1}: "0.23500" and "0.22331"). Throws
/// unknown_name_error for an unknown activation, empty_batch_error for no z.
struct derivative_gap {
  std::string at_mean, mean_of;
};
derivative_gap derivative_gap_of(std::string_view activation, const std::vector<long> &z,
                                 int digits);

/// The CTest name of an entry's variant: "<kind>_<entry>.<variant>".
std::string test_name(const entry &e, const std::string &variant);

/// The bounds every way of setting run options holds them to: RC_PARAMS, GRADLAWS_DIGITS and
/// the command line's --digits and --cases. why_bounded() says the reason for each, in the
/// words of the refusal.
struct run_bounds {
  /// Working precision, in decimal digits. The high rung confirms each verdict at
  /// digits + tolerances::extra_digits, and a precision scope stops at 100000 digits.
  static constexpr int min_digits = 10;
  static constexpr int max_digits = 100000 - tolerances{}.extra_digits;
  /// Cases per law, or budget per fallacy.
  static constexpr int max_cases = 1000000;
  /// RapidCheck's size parameter. RapidCheck scales a generator's range by size/100, so below
  /// 50 a choice between two values (one or two micro-batches, an input of width 1 or 2, a
  /// batch of 1 or 2 examples) always takes the first, and below 4 every value drawn is 0.
  static constexpr int min_max_size = 50;
  /// RapidCheck counts sizes in an int (max_size + 1 of them per cycle of cases).
  static constexpr int max_max_size = 1000000;

  enum class bound { digits, cases, max_size };
  /// "the high rung confirms each verdict at D + 25 digits, and MPFR's precision stops at
  /// 100000", and so on for cases and max_size.
  static std::string why_bounded(bound b);
};

/// Options for the test runner from the environment: RC_PARAMS' max_success, seed, max_size,
/// noshrink and reproduce, and GRADLAWS_DIGITS. Throws gradlaws::error naming the problem for
/// a malformed RC_PARAMS, a key without a name or given twice, a key gradlaws does not read
/// (unknown_name_error, listing the ones it reads), max_success or max_size outside
/// run_bounds (max_success=0 would let every law pass on no cases; a small max_size makes
/// every case degenerate), or a GRADLAWS_DIGITS outside run_bounds.
run_options options_from_environment();

} // namespace gradlaws
