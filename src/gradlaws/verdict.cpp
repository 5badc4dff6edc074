#include "gradlaws/verdict.hpp"

#include "gradlaws/error.hpp"

#include <sstream>

namespace gradlaws {

std::string_view to_string(verdict_kind k) {
  switch (k) {
  case verdict_kind::exactly_equal: return "exactly equal";
  case verdict_kind::equal_to_precision: return "equal to working precision";
  case verdict_kind::different: return "different";
  case verdict_kind::certified_different: return "certified different";
  case verdict_kind::not_certified: return "not certified";
  }
  return "?";
}

bool verdict::equal() const {
  return kind == verdict_kind::exactly_equal || kind == verdict_kind::equal_to_precision;
}

std::string verdict::summary() const {
  std::string s(to_string(kind));
  if (!distance.empty()) s += ": relative distance " + distance;
  if (!tolerance.empty()) s += (distance.empty() ? ": " : ", ") + tolerance;
  return s;
}

std::string verdict::to_text() const {
  std::string s;
  s += "  " + lhs_name + "\n      = " + lhs + "\n";
  s += "  " + rhs_name + "\n      = " + rhs + "\n";
  s += "  difference (left - right)\n      = " + difference + "\n";
  s += "  verdict on the " + rung_name + " rung: " + std::string(to_string(kind)) + "\n";
  if (!distance.empty()) s += "      relative distance " + distance + "\n";
  s += "      tolerance: " + tolerance + "\n";
  if (!evidence.empty()) s += "      " + evidence + "\n";
  return s;
}

namespace {

template <class T> void require_same_length(const sides<T> &s, const std::string &a,
                                            const std::string &b) {
  if (s.lhs.size() != s.rhs.size())
    throw dimension_error("cannot compare " + a + " (" + std::to_string(s.lhs.size()) +
                          " entries) with " + b + " (" + std::to_string(s.rhs.size()) + ")");
}

std::string sci(const high &x) {
  std::ostringstream os;
  os << std::scientific << std::setprecision(2) << x;
  return os.str();
}

high abs_max(const vec<high> &v) {
  high m(0);
  for (Eigen::Index i = 0; i < v.size(); ++i) m = std::max(m, high(abs(v[i])));
  return m;
}

} // namespace

high relative_distance(const vec<high> &a, const vec<high> &b) {
  const high scale = std::max({abs_max(a), abs_max(b), high(1)});
  return abs_max(vec<high>(a - b)) / scale;
}

verdict judge_exact(std::string lhs_name, std::string rhs_name, const sides<exact> &s) {
  require_same_length(s, lhs_name, rhs_name);
  verdict v;
  v.rung_name = scalar_traits<exact>::name();
  v.lhs = to_string(s.lhs);
  v.rhs = to_string(s.rhs);
  v.difference = to_string(vec<exact>(s.lhs - s.rhs));
  v.kind = s.lhs == s.rhs ? verdict_kind::exactly_equal : verdict_kind::different;
  v.tolerance = "none (exact rational comparison)";
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  return v;
}

verdict judge_high(std::string lhs_name, std::string rhs_name, int digits, double operations,
                   const std::function<sides<high>()> &evaluate, const tolerances &tol) {
  if (operations < 1) operations = 1;
  auto floor_at = [&](int d) { return high(operations) * pow(high(10), 1 - d); };

  verdict v;
  high d1, t1;
  {
    precision_scope scope(digits);
    const sides<high> s = evaluate();
    require_same_length(s, lhs_name, rhs_name);
    v.rung_name = scalar_traits<high>::name();
    v.lhs = to_string(s.lhs, tol.shown_digits);
    v.rhs = to_string(s.rhs, tol.shown_digits);
    v.difference = to_string(vec<high>(s.lhs - s.rhs), 6);
    d1 = relative_distance(s.lhs, s.rhs);
    t1 = floor_at(digits);
  }
  const int digits2 = digits + tol.extra_digits;
  high d2, t2;
  {
    precision_scope scope(digits2);
    const sides<high> s = evaluate();
    d2 = relative_distance(s.lhs, s.rhs);
    t2 = floor_at(digits2);
  }
  // A true identity's distance sits at the rounding floor, or (when the sides cancel down to
  // a small result) falls with the precision: by at least half the digits added. A real
  // difference keeps its size however many digits are carried.
  const bool under_both = d1 <= t1 && d2 <= t2;
  const bool shrank = d2 <= d1 * pow(high(10), -tol.extra_digits / 2);
  v.kind = (under_both || shrank) ? verdict_kind::equal_to_precision : verdict_kind::different;
  v.distance = sci(d1);
  v.tolerance = sci(t1) + " = " + std::to_string(long(operations)) + " operations × 10^(1-" +
                std::to_string(digits) + ")";
  v.evidence = "re-evaluated at " + std::to_string(digits2) + " digits: relative distance " +
               sci(d2) + " against " + sci(t2) +
               (v.kind == verdict_kind::different ? " (the difference did not shrink)"
               : under_both          ? " (at the rounding floor at both precisions)"
                                     : " (cancellation: the difference shrank with precision)");
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  return v;
}

verdict judge_interval(std::string lhs_name, std::string rhs_name, int digits,
                       const sides<interval> &s, const tolerances &tol) {
  require_same_length(s, lhs_name, rhs_name);
  verdict v;
  v.rung_name = "interval (MPFI, " + std::to_string(digits) + " digits)";
  v.lhs = to_string(s.lhs, tol.shown_digits);
  v.rhs = to_string(s.rhs, tol.shown_digits);
  v.difference = to_string(vec<interval>(s.lhs - s.rhs), 6);
  v.tolerance = "none (enclosures either overlap or not)";
  Eigen::Index disjoint = -1;
  for (Eigen::Index k = 0; k < s.lhs.size() && disjoint < 0; ++k)
    if (upper(s.lhs[k]) < lower(s.rhs[k]) || upper(s.rhs[k]) < lower(s.lhs[k])) disjoint = k;
  v.kind = disjoint >= 0 ? verdict_kind::certified_different : verdict_kind::not_certified;
  v.evidence = disjoint >= 0 ? "component " + std::to_string(disjoint) +
                                   ": the two enclosures are disjoint"
                             : "every component's enclosures overlap";
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  return v;
}

} // namespace gradlaws
