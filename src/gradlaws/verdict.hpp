#pragma once
// Verdicts: the outcome of comparing two gradients, as a value that names its comparison —
// what was compared, on which rung, the measured distance, the tolerance and where it came
// from.
//
//   exact rung      a == b componentwise, or the exact difference
//   high rung       distance d = max_k |a_k - b_k| / max(‖a‖∞, ‖b‖∞, 1) (relative to the
//                   larger side, absolute below 1 where a gradient cancels to 0) against the
//                   rounding floor  tol(D) = operations × 10^(1-D); equality is confirmed by
//                   re-evaluating at D' = D + tolerances::extra_digits: a true identity's
//                   distance stays under the floor there too, or — when the sides cancel
//                   down to a small result — falls by at least half the added digits; a real
//                   difference does not move.
//   interval rung   certified different when some component's enclosures are disjoint.

#include "gradlaws/scalar.hpp"

#include <functional>
#include <optional>
#include <string>

namespace gradlaws {

/// Named tolerance settings with their defaults.
struct tolerances {
  /// Digits added for the confirming re-evaluation on the high rung.
  int extra_digits = 25;
  /// Significant digits shown for high-rung values in reports (at least 20).
  int shown_digits = 25;
};

enum class verdict_kind {
  exactly_equal,       ///< exact rung, a == b
  equal_to_precision,  ///< high rung, under the rounding floor and confirmed at higher precision
  different,           ///< a ≠ b (exactly, or above the floor and stable under more precision)
  certified_different, ///< interval enclosures of the two sides are disjoint
  not_certified        ///< interval enclosures overlap: the difference is not proven
};

std::string_view to_string(verdict_kind k);

/// Two sides of a claimed equality on one rung.
template <class T> struct sides {
  vec<T> lhs, rhs;
};

struct verdict {
  std::string lhs_name, rhs_name; ///< what was compared, e.g. "batched backprop of J"
  std::string rung_name;          ///< e.g. "exact (GMP rational)" or "high (MPFR, 50 digits)"
  verdict_kind kind = verdict_kind::different;
  std::string lhs, rhs;     ///< both sides, exact fractions or shown_digits significant digits
  std::string difference;   ///< lhs - rhs, printed the same way
  std::string distance;     ///< relative distance (high rung), empty on the exact rung
  std::string tolerance;    ///< the tolerance and its derivation, or "none: exact comparison"
  std::string evidence;     ///< what the precision re-evaluation or interval check showed

  /// True for exactly_equal and equal_to_precision.
  bool equal() const;
  /// One line: "equal to working precision: relative distance 3e-49 ≤ 4e-47 (…)".
  std::string summary() const;
  /// The full multi-line account used in reports.
  std::string to_text() const;
};

/// Compares exactly.
verdict judge_exact(std::string lhs_name, std::string rhs_name, const sides<exact> &s);

/// Evaluates `evaluate` (which builds both sides at the current precision) at `digits` and at
/// digits + tol.extra_digits and judges as described above.
verdict judge_high(std::string lhs_name, std::string rhs_name, int digits, double operations,
                   const std::function<sides<high>()> &evaluate, const tolerances &tol = {});

/// Judges interval enclosures of the two sides (certified different or not certified).
verdict judge_interval(std::string lhs_name, std::string rhs_name, int digits,
                       const sides<interval> &s, const tolerances &tol = {});

/// Distance max_k |a_k - b_k| / max(‖a‖∞, ‖b‖∞, 1).
high relative_distance(const vec<high> &a, const vec<high> &b);

} // namespace gradlaws
