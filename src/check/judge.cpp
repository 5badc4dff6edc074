#include "gradlaws/judge.hpp"

#include "gradlaws/error.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace gradlaws {

namespace {

template <class T> void require_same_length(const sides<T> &s, const std::string &a,
                                            const std::string &b) {
  if (s.lhs.size() != s.rhs.size())
    throw dimension_error("cannot compare " + a + " (" + std::to_string(s.lhs.size()) +
                          " entries) with " + b + " (" + std::to_string(s.rhs.size()) + ")");
}

high abs_max(const vec<high> &v) {
  high m(0);
  for (Eigen::Index i = 0; i < v.size(); ++i) m = std::max(m, high(abs(v[i])));
  return m;
}

template <class T> std::vector<std::string> components(const vec<T> &v, int digits) {
  std::vector<std::string> out;
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if constexpr (std::is_same_v<T, exact>) out.push_back(to_string(v[i]));
    else out.push_back(to_string(v[i], digits));
  }
  return out;
}

} // namespace

magnitude to_magnitude(const high &x) {
  if (x == 0) return {};
  // 17 significant digits in scientific form, correctly rounded by MPFR: "d.dddde-XX".
  const std::string s = high(abs(x)).str(17, std::ios_base::scientific);
  const auto e = s.find_first_of("eE");
  return {std::strtod(s.substr(0, e).c_str(), nullptr), std::strtol(s.c_str() + e + 1, nullptr, 10)};
}

high relative_distance(const vec<high> &a, const vec<high> &b) {
  const high scale = std::max({abs_max(a), abs_max(b), high(1)});
  return abs_max(vec<high>(a - b)) / scale;
}

verdict judge_exact(std::string lhs_name, std::string rhs_name, const sides<exact> &s,
                    const tolerances &tol) {
  require_same_length(s, lhs_name, rhs_name);
  verdict v;
  v.on = rung::exact;
  v.kind = s.lhs == s.rhs ? verdict_kind::exactly_equal : verdict_kind::different;
  if (v.kind == verdict_kind::different || tol.values_of_equal_sides) {
    v.lhs = components(s.lhs, 0);
    v.rhs = components(s.rhs, 0);
    v.difference = components(vec<exact>(s.lhs - s.rhs), 0);
  }
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  return v;
}

bool is_nan(const high &v) { return boost::multiprecision::isnan(v); }
bool is_nan(const interval &v) {
  return boost::multiprecision::isnan(lower(v)) || boost::multiprecision::isnan(upper(v));
}

/// "component k of <side> is NaN", or "" when both sides are finite.
template <class T>
std::string nonfinite_component(const sides<T> &s, const std::string &lhs, const std::string &rhs) {
  for (const auto &[v, name] : {std::pair<const vec<T> &, const std::string &>{s.lhs, lhs}, {s.rhs, rhs}})
    for (Eigen::Index k = 0; k < v.size(); ++k)
      if (!is_finite_value(v[k]))
        return "component " + std::to_string(k) + " of " + name + " is " +
               (is_nan(v[k]) ? "NaN" : "infinite");
  return "";
}

verdict judge_high(std::string lhs_name, std::string rhs_name, int digits, double operations,
                   const std::function<sides<high>()> &evaluate, const tolerances &tol,
                   double magnitude) {
  if (operations < 1) operations = 1;
  if (!(magnitude >= 1)) magnitude = 1; // NaN included
  auto floor_at = [&](int d) { return high(operations) * high(magnitude) * pow(high(10), 1 - d); };
  using finding = confirmation::finding;

  verdict v;
  v.on = rung::high;
  v.digits = digits;
  v.floor = rounding_floor{operations, magnitude, digits, {}};
  auto finish = [&](verdict_kind k) {
    v.kind = k;
    v.lhs_name = std::move(lhs_name);
    v.rhs_name = std::move(rhs_name);
    return v;
  };
  // The rule: equal when the distance is under the floor at both precisions, or when it falls
  // by at least half the added digits; different otherwise. Under the floor at D' alone already
  // decides it: if d(D) were above the floor at D, it would exceed d(D') by more than the
  // floors' ratio 10^extra_digits, so it shrank. The higher precision is therefore evaluated
  // first, and the working precision only when the higher one is above its floor.
  const int digits2 = digits + tol.extra_digits;
  high d2, t2;
  {
    precision_scope scope(digits2);
    const sides<high> s = evaluate();
    require_same_length(s, lhs_name, rhs_name);
    v.nonfinite = nonfinite_component(s, lhs_name, rhs_name);
    if (!v.nonfinite.empty()) {
      v.lhs = components(s.lhs, tol.shown_digits);
      v.rhs = components(s.rhs, tol.shown_digits);
      v.difference = components(vec<high>(s.lhs - s.rhs), 6);
      v.nonfinite += " at " + std::to_string(digits2) + " digits";
      return finish(verdict_kind::different);
    }
    d2 = relative_distance(s.lhs, s.rhs);
    t2 = floor_at(digits2);
    if (d2 <= t2) {
      if (tol.values_of_equal_sides) {
        v.lhs = components(s.lhs, tol.shown_digits);
        v.rhs = components(s.rhs, tol.shown_digits);
        v.difference = components(vec<high>(s.lhs - s.rhs), 6);
      }
      v.floor->value = to_magnitude(floor_at(digits));
      v.confirmed = confirmation{digits2, to_magnitude(d2), to_magnitude(t2), finding::under_floor};
      return finish(verdict_kind::equal_to_precision);
    }
  }
  high d1, t1;
  {
    precision_scope scope(digits);
    const sides<high> s = evaluate();
    require_same_length(s, lhs_name, rhs_name);
    v.lhs = components(s.lhs, tol.shown_digits);
    v.rhs = components(s.rhs, tol.shown_digits);
    v.difference = components(vec<high>(s.lhs - s.rhs), 6);
    v.nonfinite = nonfinite_component(s, lhs_name, rhs_name);
    if (!v.nonfinite.empty()) return finish(verdict_kind::different);
    d1 = relative_distance(s.lhs, s.rhs);
    t1 = floor_at(digits);
  }
  // A true identity's distance sits at the rounding floor, or (when the sides cancel down to
  // a small result) falls with the precision: by at least half the digits added. A real
  // difference keeps its size however many digits are carried.
  const bool shrank = d2 <= d1 * pow(high(10), -tol.extra_digits / 2);
  v.distance = to_magnitude(d1);
  v.floor->value = to_magnitude(t1);
  v.confirmed = confirmation{digits2, to_magnitude(d2), to_magnitude(t2),
                             shrank ? finding::shrank : finding::did_not_shrink};
  return finish(shrank ? verdict_kind::equal_to_precision : verdict_kind::different);
}

verdict judge_interval(std::string lhs_name, std::string rhs_name, int digits,
                       const sides<interval> &s, const tolerances &tol) {
  require_same_length(s, lhs_name, rhs_name);
  verdict v;
  v.on = rung::interval;
  v.digits = digits;
  v.lhs = components(s.lhs, tol.shown_digits);
  v.rhs = components(s.rhs, tol.shown_digits);
  v.difference = components(vec<interval>(s.lhs - s.rhs), 6);
  v.nonfinite = nonfinite_component(s, lhs_name, rhs_name);
  for (Eigen::Index k = 0; v.nonfinite.empty() && k < s.lhs.size() && !v.disjoint_component; ++k)
    if (upper(s.lhs[k]) < lower(s.rhs[k]) || upper(s.rhs[k]) < lower(s.lhs[k]))
      v.disjoint_component = std::size_t(k);
  v.kind = v.disjoint_component ? verdict_kind::certified_different : verdict_kind::not_certified;
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  return v;
}

} // namespace gradlaws

namespace gradlaws {

namespace {
/// One unit in the last place of F at |x|.
template <class F> double ulp_at(const high &x) {
  return ulp_in<F>(std::abs(x.convert_to<double>()));
}

template <class F>
rounding_evidence side_evidence(const std::string &name, const vec<F> &computed,
                                const vec<high> &exact_side, const vec<rounded<F>> &bound,
                                int shown) {
  if (computed.size() != exact_side.size() || bound.size() != exact_side.size())
    throw dimension_error("machine rung: " + name + " has " + std::to_string(computed.size()) +
                          " entries as computed, " + std::to_string(exact_side.size()) +
                          " exactly and " + std::to_string(bound.size()) + " bounded");
  rounding_evidence r;
  r.side = name;
  if (shown > 0) r.exact = components(exact_side, shown);
  for (Eigen::Index k = 0; k < computed.size(); ++k) {
    rounding_evidence c;
    c.component = std::size_t(k);
    c.error = high(abs(high(double(computed[k])) - exact_side[k])).convert_to<double>();
    c.bound = bound[k].e;
    c.ulp = ulp_at<F>(exact_side[k]);
    if (k == 0 || c.used() > r.used()) {
      r.component = c.component;
      r.error = c.error;
      r.bound = c.bound;
      r.ulp = c.ulp;
    }
  }
  return r;
}

/// The law verdict's evidence: the component whose difference used most of the two bounds.
template <class F>
law_evidence sides_evidence(const vec<F> &lhs, const vec<F> &rhs, const sides<rounded<F>> &bound) {
  law_evidence worst;
  for (Eigen::Index k = 0; k < lhs.size(); ++k) {
    law_evidence c;
    c.component = std::size_t(k);
    // IEEE subtraction in double rounds the exact difference of two floats or doubles once:
    // the double nearest to it, as the working precision's difference converted would be.
    c.difference = std::abs(double(lhs[k]) - double(rhs[k]));
    c.lhs_bound = bound.lhs[k].e;
    c.rhs_bound = bound.rhs[k].e;
    c.ulp = ulp_in<F>(std::max(std::abs(double(lhs[k])), std::abs(double(rhs[k]))));
    if (k == 0 || c.used() > worst.used()) worst = c;
  }
  return worst;
}

/// Why an infinite component of a side is no verdict ("" when it is one): the bound's own
/// evaluation of it reaches within 2^8 of F's largest number (or beyond), where summing the
/// same terms in another order (a per-example loop, a framework's kernel) may overflow or not.
template <class F>
std::string overflow_in_another_order(const machine_sides<F> &s, const std::string &side,
                                      Eigen::Index k, const std::string &format) {
  constexpr double largest = machine_format_traits<F>::largest;
  for (const auto *b : {&s.bound.lhs, &s.bound.rhs}) {
    if (k >= b->size()) continue;
    // gradlaws's own evaluation overflowing as well (an infinite reach) is the same case.
    const double reach = std::abs(double((*b)[k].v)) + (*b)[k].e;
    if (!(reach < std::ldexp(largest, -8))) {
      char shown[32];
      std::snprintf(shown, sizeof shown, "%.3g", reach);
      return side + " component " + std::to_string(k) + " overflowed in " + format +
             " where the value reaches " + shown + ", within 2^8 of " + format +
             "'s largest number: another order of the same sums may or may not overflow, so "
             "the case is not judged";
    }
  }
  return "";
}

/// Why no bound holds for this case, or "" when the bounds are usable.
template <class F> std::string unusable_bounds(const machine_sides<F> &s, const std::string &format) {
  if (s.branch_doubts > 0)
    return "the bound's evaluation compared " + std::to_string(s.branch_doubts) +
           " pair(s) of values closer than their rounding errors (a branch the exact "
           "computation might take the other way), so no rounding bound holds here";
  for (const auto *b : {&s.bound, s.accuracy_bound ? &*s.accuracy_bound : &s.bound})
    for (const auto *side : {&b->lhs, &b->rhs})
      for (Eigen::Index k = 0; k < side->size(); ++k)
        if (!std::isfinite((*side)[k].e))
          return "the rounding bound of component " + std::to_string(k) +
                 " is unbounded (an overflow in " + format +
                 ", or a division by a value within its error of zero), so no rounding bound "
                 "holds here";
  return "";
}
} // namespace

template <class F>
verdict judge_machine(std::string lhs_name, std::string rhs_name, int digits,
                      const machine_sides<F> &s, const tolerances &tol) {
  require_same_length(s.computed, lhs_name, rhs_name);
  precision_scope scope(digits);
  verdict v;
  v.on = rung::machine;
  v.digits = digits;
  v.format = machine_format_traits<F>::name;
  const vec<F> &lhs = s.computed.lhs, &rhs = s.computed.rhs;
  // The values as text, for a verdict that is shown: one that fails, or any when asked
  // (formatting every component of every case would cost more than judging it).
  const auto shown = [&](verdict_kind kind) {
    v.kind = kind;
    if (kind == verdict_kind::equal_up_to_rounding && !tol.values_of_equal_sides) return;
    // Enough digits to tell any two values apart (the 16-bit formats print as the floats
    // they convert to exactly).
    const int digits = std::is_same_v<F, double> ? 17 : 9;
    v.lhs = components(s.computed.lhs, digits);
    v.rhs = components(s.computed.rhs, digits);
    for (Eigen::Index k = 0; k < lhs.size(); ++k) {
      const high d = high(double(lhs[k])) - high(double(rhs[k]));
      v.difference.push_back(d == 0 ? "0" : to_string(d, 6));
    }
  };
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  for (const auto &[side, values] : {std::pair{&v.lhs_name, &s.computed.lhs}, std::pair{&v.rhs_name, &s.computed.rhs}})
    for (Eigen::Index k = 0; k < values->size(); ++k)
      if (!std::isfinite(double((*values)[k]))) {
        if (std::string why = overflow_in_another_order(s, *side, k, v.format); !why.empty()) {
          v.unavailable = std::move(why);
          shown(verdict_kind::undecided);
          return v;
        }
        v.nonfinite = *side + " component " + std::to_string(k) + " is " +
                      (std::isnan(double((*values)[k])) ? "NaN" : "infinite");
        shown(verdict_kind::different);
        return v;
      }
  if (v.unavailable = unusable_bounds(s, v.format); !v.unavailable.empty()) {
    shown(verdict_kind::undecided);
    return v;
  }
  if (s.bound.lhs.size() != lhs.size() || s.bound.rhs.size() != rhs.size())
    throw dimension_error("machine rung: the sides have " + std::to_string(lhs.size()) +
                          " entries as computed and " + std::to_string(s.bound.lhs.size()) +
                          " and " + std::to_string(s.bound.rhs.size()) + " bounded");
  v.law = sides_evidence<F>(lhs, rhs, s.bound);
  shown(v.law->difference <= v.law->bound() ? verdict_kind::equal_up_to_rounding
                                             : verdict_kind::different);
  // The exact values as text only where the sides are shown.
  const int exact_digits = v.lhs.empty() ? 0 : std::max(tol.shown_digits, 20);
  const sides<rounded<F>> &accuracy = s.accuracy_bound ? *s.accuracy_bound : s.bound;
  v.rounding.push_back(side_evidence<F>(v.lhs_name, s.computed.lhs, s.exact.lhs, accuracy.lhs, exact_digits));
  v.rounding.push_back(side_evidence<F>(v.rhs_name, s.computed.rhs, s.exact.rhs, accuracy.rhs, exact_digits));
  v.functions = s.functions;
  return v;
}

namespace {
/// The first non-finite component of a side, as words, or "".
template <class F> std::string nonfinite_of(const vec<F> &v, const std::string &name, const char *format) {
  for (Eigen::Index k = 0; k < v.size(); ++k)
    if (!std::isfinite(v[k]))
      return name + " component " + std::to_string(k) + " is " + (std::isnan(v[k]) ? "NaN" : "infinite") +
             " in " + format;
  return "";
}
} // namespace

verdict judge_two_precision(std::string lhs_name, std::string rhs_name, const sides<double> &d,
                            const sides<float> &f, double inputs, const tolerances &tol) {
  require_same_length(d, lhs_name, rhs_name);
  require_same_length(f, lhs_name, rhs_name);
  if (f.lhs.size() != d.lhs.size())
    throw dimension_error("the sides have " + std::to_string(d.lhs.size()) + " entries in double and " +
                          std::to_string(f.lhs.size()) + " in float");
  verdict v;
  v.on = rung::machine;
  v.format = "double and float";
  // The values as text for a verdict that is shown (formatting every case costs more than it).
  const auto show = [&] {
    v.lhs = components(vec<high>(d.lhs.cast<high>()), 17);
    v.rhs = components(vec<high>(d.rhs.cast<high>()), 17);
    for (Eigen::Index k = 0; k < d.lhs.size(); ++k) {
      const double diff = d.lhs[k] - d.rhs[k]; // shown rounded to 6 digits: the rounding is immaterial
      v.difference.push_back(diff == 0 ? "0" : to_string(high(diff), 6));
    }
  };
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  v.nonfinite = nonfinite_of(d.lhs, v.lhs_name, "double");
  if (v.nonfinite.empty()) v.nonfinite = nonfinite_of(d.rhs, v.rhs_name, "double");
  if (!v.nonfinite.empty()) {
    v.kind = verdict_kind::different;
    show();
    return v;
  }
  if (std::string why = nonfinite_of(f.lhs, v.lhs_name, "float") + nonfinite_of(f.rhs, v.rhs_name, "float");
      !why.empty()) {
    show();
    v.kind = verdict_kind::undecided;
    v.unavailable = why + " (it overflowed), so the two-precision rule cannot judge this case";
    return v;
  }
  two_precision_evidence e;
  e.inputs = std::isfinite(inputs) ? std::abs(inputs) : 0;
  for (Eigen::Index k = 0; k < d.lhs.size(); ++k) {
    const double dd = std::abs(double(high(high(d.lhs[k]) - high(d.rhs[k]))));
    const double df = std::abs(double(f.lhs[k]) - double(f.rhs[k])); // exact in double
    if (k == 0 || dd > e.double_difference) e.component = std::size_t(k), e.double_difference = dd;
    e.float_difference = std::max(e.float_difference, df);
    e.scale = std::max({e.scale, std::abs(d.lhs[k]), std::abs(d.rhs[k])});
  }
  v.precisions = e;
  v.kind = e.holds() ? verdict_kind::equal_up_to_rounding : verdict_kind::different;
  if (v.kind == verdict_kind::different || tol.values_of_equal_sides) show();
  return v;
}

template verdict judge_machine<double>(std::string, std::string, int, const machine_sides<double> &,
                                       const tolerances &);
template verdict judge_machine<Eigen::bfloat16>(std::string, std::string, int,
                                                const machine_sides<Eigen::bfloat16> &, const tolerances &);
template verdict judge_machine<Eigen::half>(std::string, std::string, int,
                                            const machine_sides<Eigen::half> &, const tolerances &);
template verdict judge_machine<float>(std::string, std::string, int, const machine_sides<float> &,
                                      const tolerances &);

} // namespace gradlaws
