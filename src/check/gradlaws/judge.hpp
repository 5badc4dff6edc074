#pragma once
// The judges: verdicts (gradlaws/verdict.hpp) made from the two sides of a claimed equality on
// a rung. Exact rung: ==. High rung: the precision-scaling rule, which re-evaluates both sides
// at a higher precision. Interval rung: disjoint enclosures certify a difference.

#include "gradlaws/scalar.hpp"
#include "gradlaws/verdict.hpp"

#include <functional>
#include <optional>
#include <string>

namespace gradlaws {

/// Two sides of a claimed equality on one rung.
template <class T> struct sides {
  vec<T> lhs, rhs;
};

/// Compares exactly. The sides' values are printed into the verdict when they differ, or when
/// tol.values_of_equal_sides asks for them.
verdict judge_exact(std::string lhs_name, std::string rhs_name, const sides<exact> &s,
                    const tolerances &tol = {});

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

/// The machine rung's evidence for one case: each side as the code under test computed it in F
/// (double, float, bfloat16 or float16), the exact value of the same side on the same inputs (by
/// the reference, at working precision), and the running error bounds of an evaluation in F of that
/// side (gradlaws/rounded.hpp): `bound` with the subject's own functions charged for their movement
/// (the law verdict), `accuracy_bound` with them charged for their measured errors (the accuracy
/// verdict; unset: `bound` serves both, as it does when the subject has no functions of its own).
/// `functions`: the own functions' measured accuracy. `branch_doubts`: comparisons the bound
/// evaluations could not decide.
template <class F> struct machine_sides {
  sides<F> computed;
  sides<high> exact;
  sides<rounded<F>> bound;
  std::optional<sides<rounded<F>>> accuracy_bound;
  std::vector<function_accuracy> functions;
  long branch_doubts = 0;
};

/// The law verdict: equal up to rounding when every component's difference between the sides
/// is within the sum of their bounds, different (beyond rounding: a bug) otherwise; undecided
/// when a bound evaluation took a branch its bounds could not decide or a bound is unbounded;
/// never equal when a computed component is NaN or infinite. The accuracy verdict (each side
/// against the exact value) and the functions' accuracy are carried as evidence.
template <class F>
verdict judge_machine(std::string lhs_name, std::string rhs_name, int digits,
                      const machine_sides<F> &s, const tolerances &tol = {});
extern template verdict judge_machine<double>(std::string, std::string, int,
                                              const machine_sides<double> &, const tolerances &);
extern template verdict judge_machine<float>(std::string, std::string, int,
                                             const machine_sides<float> &, const tolerances &);
extern template verdict judge_machine<Eigen::bfloat16>(std::string, std::string, int,
                                                       const machine_sides<Eigen::bfloat16> &,
                                                       const tolerances &);
extern template verdict judge_machine<Eigen::half>(std::string, std::string, int,
                                                   const machine_sides<Eigen::half> &,
                                                   const tolerances &);

/// The two-precision rule (two_precision_evidence) for code whose model gradlaws cannot
/// evaluate: the same sides computed by the subject in double and in float. Different when a
/// double side is not finite; undecided when only a float side is not (it overflowed).
/// `inputs`: the largest value of θ and the batch (problem::magnitude()).
/// The sides' values are shown (verdict::lhs, rhs, difference) when the verdict is not equal,
/// or when tol.values_of_equal_sides asks for them.
verdict judge_two_precision(std::string lhs_name, std::string rhs_name, const sides<double> &in_double,
                            const sides<float> &in_float, double inputs = 0,
                            const tolerances &tol = {});

/// Distance max_k |a_k - b_k| / max(‖a‖∞, ‖b‖∞, 1).
high relative_distance(const vec<high> &a, const vec<high> &b);

/// x as a magnitude (|x| = m × 10^e).
magnitude to_magnitude(const high &x);

} // namespace gradlaws
