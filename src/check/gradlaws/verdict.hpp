#pragma once
// Verdicts: the outcome of comparing two gradients, as a value that carries its numbers —
// what was compared, on which rung and at how many digits, the measured distance, the
// tolerance and its derivation, and the evidence of the confirming re-evaluation or of the
// interval check. The text of a verdict is computed from these values; nothing is parsed back.
//
//   exact rung      a == b componentwise, or the exact difference
//   high rung       distance d = max_k |a_k - b_k| / max(‖a‖∞, ‖b‖∞, 1) (relative to the
//                   larger side, absolute below 1 where a gradient cancels to 0) against the
//                   rounding floor  tol(D) = operations × M × 10^(1-D), M ≥ 1 the largest
//                   value that entered the computation (rounding errors scale with the values
//                   combined, so a result that cancels terms of size M is still covered);
//                   equality is confirmed at D' = D + tolerances::extra_digits: a true
//                   identity's distance is under the floor at both precisions, or — when the
//                   sides cancel down to a small result — falls by at least half the added
//                   digits; a real difference does not move. Under the floor at D' alone
//                   implies the rule (were the distance at D above its floor, it would have
//                   fallen by more than the floors' ratio), so D' is evaluated first and D
//                   only when D' is above its floor: an identity costs one evaluation.
//   interval rung   certified different when some component's enclosures are disjoint.
//   machine rung    two questions. The law verdict decides: the two sides as the code under
//                   test computed them in float or double, compared with each other — equal up
//                   to rounding when every component's difference is within the sum of the two
//                   sides' running error bounds (gradlaws/rounded.hpp), in which each
//                   elementwise function is the subject's own (gradlaws/own_functions.hpp);
//                   beyond rounding (a bug) otherwise. The accuracy verdict informs: each side
//                   against the exact value of the same side on the same (dyadic, hence exactly
//                   representable) inputs, under a bound that charges the subject's functions
//                   their measured errors, and each own function's worst error in ulps.
//                   For a module gradlaws cannot evaluate, the two-precision rule instead (see
//                   two_precision_evidence).
//   every rung      a side with a NaN or infinite component is never equal.
//
// This header is light (no Eigen, no Boost.Multiprecision): reports and the command line use
// it. The judges that make verdicts from vectors on a rung are in gradlaws/judge.hpp.

#include "gradlaws/function_accuracy.hpp"
#include "gradlaws/rung.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// Named tolerance settings with their defaults.
struct tolerances {
  /// Digits added for the confirming re-evaluation on the high rung.
  int extra_digits = 25;
  /// Significant digits shown for high-rung values in reports (at least 20).
  int shown_digits = 25;
  /// False: a verdict of equality (exact or high rung) leaves lhs, rhs and difference empty.
  /// The law harness sets it, since a case that holds is never shown; printing 3 × n values
  /// would cost more than a tenth of the case.
  bool values_of_equal_sides = true;
};

enum class verdict_kind {
  exactly_equal,       ///< exact rung, a == b
  equal_to_precision,  ///< high rung, under the rounding floor and confirmed at higher precision
  different,           ///< a ≠ b (exactly, or above the floor and stable under more precision)
  certified_different, ///< interval enclosures of the two sides are disjoint
  not_certified,       ///< interval enclosures overlap: the difference is not proven
  equal_up_to_rounding, ///< machine rung: every side within its rounding bound of the exact value
  undecided            ///< machine rung: a branch of the reference was within rounding of its
                       ///< threshold, so no bound holds; the case is not judged
};

std::string_view to_string(verdict_kind k);

/// A non-negative number m × 10^e with a double mantissa m ∈ [1, 10) (or 0) and a decimal
/// exponent, so that distances far below double's range (1e-400 at 500 digits) stay values.
struct magnitude {
  double mantissa = 0;
  long exponent = 0;

  /// The value as a double (0 or ∞ where it is out of double's range).
  double to_double() const;
  /// "1.17e-02": two decimals, at least two exponent digits.
  std::string scientific() const;
};
/// Compares magnitudes by value.
bool operator<(const magnitude &a, const magnitude &b);
bool operator<=(const magnitude &a, const magnitude &b);

/// The high rung's tolerance and its derivation: operations × magnitude × 10^(1 - digits),
/// the rounding error of `operations` roundings of values up to `magnitude` in size.
struct rounding_floor {
  double operations = 1;
  double scale = 1; ///< the largest value that entered the computation (at least 1)
  int digits = default_digits;
  magnitude value;
};

/// What the confirming re-evaluation at a higher precision found.
struct confirmation {
  enum class finding {
    under_floor,    ///< under the floor at the higher precision, which decides equality alone
    shrank,         ///< the distance fell with the precision (cancellation)
    did_not_shrink  ///< the distance kept its size: a real difference
  };
  int digits = 0;    ///< the higher precision
  magnitude distance;
  magnitude floor;
  finding found = finding::did_not_shrink;
};

/// Machine rung, the law verdict: the component whose difference used most of its bound.
struct law_evidence {
  std::size_t component = 0;
  double difference = 0; ///< |lhs − rhs| there, as the subject computed them
  double lhs_bound = 0;  ///< the left side's running error bound there
  double rhs_bound = 0;  ///< the right side's
  double ulp = 0;        ///< one unit in the last place of the format at the larger side
  double bound() const { return lhs_bound + rhs_bound; }
  /// difference / bound (0 when both are 0).
  double used() const;
};

/// Machine rung, the two-precision rule (for a module gradlaws cannot evaluate, so has no exact
/// value or rounding bound of): the subject's two sides computed in double and in float. A
/// rounding difference shrinks about 2^29-fold from float to double; a violated law's
/// difference keeps its size. Equal up to rounding when the double difference is at most
/// 2^-16 × max(float difference, 2^-24 × max(largest side, largest input)) — 2^13 of slack on
/// the expected ratio, and a floor at float's resolution of the values involved, for float
/// sides that agree exactly (a function that saturates in float, as erf does at |z| ≈ 4, while
/// it still moves in double).
struct two_precision_evidence {
  std::size_t component = 0;    ///< where the double difference is largest
  double double_difference = 0; ///< max_k |lhs_k − rhs_k| in double
  double float_difference = 0;  ///< the same in float
  double scale = 0;             ///< max_k of |lhs_k|, |rhs_k| in double
  double inputs = 0;            ///< the largest value of θ and the batch
  /// The largest double difference that rounding explains.
  double allowed() const;
  bool holds() const { return double_difference <= allowed(); }
};

/// Machine rung, the accuracy verdict: one side's worst component — the largest error against
/// the exact value relative to its bound.
struct rounding_evidence {
  std::string side;           ///< the side's name
  std::vector<std::string> exact; ///< the exact (working-precision) value of the side
  std::size_t component = 0;
  double error = 0;           ///< |computed − exact| at that component
  double bound = 0;           ///< the running error bound there
  double ulp = 0;             ///< one unit in the last place of the format at the exact value
  /// error / bound: how much of the bound the error used (0 when both are 0).
  double used() const;
};

struct verdict {
  std::string lhs_name, rhs_name; ///< what was compared, e.g. "batched backprop of J"
  rung on = rung::exact;
  int digits = 0;                 ///< working precision (0 on the exact rung)
  verdict_kind kind = verdict_kind::different;
  /// Both sides and their difference, component by component: exact fractions, or
  /// shown_digits significant digits (the difference with 6).
  std::vector<std::string> lhs, rhs, difference;
  std::optional<magnitude> distance;      ///< high rung: the relative distance
  std::optional<rounding_floor> floor;    ///< high rung: the tolerance
  std::optional<confirmation> confirmed;  ///< high rung: the re-evaluation
  /// Interval rung: the first component whose enclosures are disjoint.
  std::optional<std::size_t> disjoint_component;
  /// Set when a side is not finite (NaN or ±∞): which component of which side. Such a verdict
  /// is always `different`: a side that is not a number is never equal to anything.
  std::string nonfinite;
  /// Set when no comparison could be made (e.g. no interval evaluation): why not.
  std::string unavailable;
  /// Machine rung: "double" or "float", the law verdict's evidence, each side's accuracy, and
  /// the measured accuracy of the subject's own functions on this case's arguments.
  std::string format;
  std::optional<law_evidence> law;
  std::optional<two_precision_evidence> precisions;
  std::vector<rounding_evidence> rounding;
  std::vector<function_accuracy> functions;

  /// True for exactly_equal, equal_to_precision and equal_up_to_rounding.
  bool equal() const;
  /// Machine rung: true when each side is within its accuracy bound of the exact value (the
  /// accuracy verdict; true on the other rungs).
  bool accurate() const;
  /// "exact (GMP rational)", "high (MPFR, 50 digits)", "interval (MPFI, 50 digits)".
  std::string rung_name() const;
  /// "[a, b]" for lhs, rhs and difference.
  std::string lhs_text() const;
  std::string rhs_text() const;
  std::string difference_text() const;
  /// The distance as "1.17e-02", or "" where there is none.
  std::string distance_text() const;
  /// The tolerance and its derivation, e.g. "3.20e-48 = 32 operations × 10^(1-50)".
  std::string tolerance_text() const;
  /// What the re-evaluation or the interval check showed, or why there was none.
  std::string evidence_text() const;
  /// One line: "equal to working precision: relative distance 3e-49, 4e-47 = …".
  std::string summary() const;
  /// The full multi-line account (used in GoogleTest messages and the terminal report).
  std::string to_text() const;
};

} // namespace gradlaws
