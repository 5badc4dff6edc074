#pragma once
// The judges: verdicts (gradlaws/verdict.hpp) made from the two sides of a claimed equality on
// a rung. Exact rung: ==. High rung: the precision-scaling rule, which re-evaluates both sides
// at a higher precision. Interval rung: disjoint enclosures certify a difference.

#include "gradlaws/scalar.hpp"
#include "gradlaws/verdict.hpp"

#include <functional>
#include <string>

namespace gradlaws {

/// Two sides of a claimed equality on one rung.
template <class T> struct sides {
  vec<T> lhs, rhs;
};

/// Compares exactly.
verdict judge_exact(std::string lhs_name, std::string rhs_name, const sides<exact> &s);

/// Evaluates `evaluate` (which builds both sides at the current precision) at `digits` and at
/// digits + tol.extra_digits and judges as described in gradlaws/verdict.hpp. The floor is
/// operations × magnitude × 10^(1-D): `magnitude` is the largest value that entered the
/// computation (problem::magnitude()), so that cancellation of large terms is covered.
verdict judge_high(std::string lhs_name, std::string rhs_name, int digits, double operations,
                   const std::function<sides<high>()> &evaluate, const tolerances &tol = {},
                   double magnitude = 1);

/// Judges interval enclosures of the two sides (certified different or not certified).
verdict judge_interval(std::string lhs_name, std::string rhs_name, int digits,
                       const sides<interval> &s, const tolerances &tol = {});

/// Distance max_k |a_k - b_k| / max(‖a‖∞, ‖b‖∞, 1).
high relative_distance(const vec<high> &a, const vec<high> &b);

/// x as a magnitude (|x| = m × 10^e).
magnitude to_magnitude(const high &x);

} // namespace gradlaws
