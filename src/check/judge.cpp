#include "gradlaws/judge.hpp"

#include "gradlaws/error.hpp"

#include <cstdlib>

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

verdict judge_exact(std::string lhs_name, std::string rhs_name, const sides<exact> &s) {
  require_same_length(s, lhs_name, rhs_name);
  verdict v;
  v.on = rung::exact;
  v.lhs = components(s.lhs, 0);
  v.rhs = components(s.rhs, 0);
  v.difference = components(vec<exact>(s.lhs - s.rhs), 0);
  v.kind = s.lhs == s.rhs ? verdict_kind::exactly_equal : verdict_kind::different;
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

  verdict v;
  v.on = rung::high;
  v.digits = digits;
  high d1, t1;
  {
    precision_scope scope(digits);
    const sides<high> s = evaluate();
    require_same_length(s, lhs_name, rhs_name);
    v.lhs = components(s.lhs, tol.shown_digits);
    v.rhs = components(s.rhs, tol.shown_digits);
    v.difference = components(vec<high>(s.lhs - s.rhs), 6);
    v.nonfinite = nonfinite_component(s, lhs_name, rhs_name);
    if (!v.nonfinite.empty()) {
      v.kind = verdict_kind::different;
      v.lhs_name = std::move(lhs_name);
      v.rhs_name = std::move(rhs_name);
      return v;
    }
    d1 = relative_distance(s.lhs, s.rhs);
    t1 = floor_at(digits);
  }
  const int digits2 = digits + tol.extra_digits;
  high d2, t2;
  {
    precision_scope scope(digits2);
    const sides<high> s = evaluate();
    require_same_length(s, lhs_name, rhs_name);
    v.nonfinite = nonfinite_component(s, lhs_name, rhs_name);
    if (!v.nonfinite.empty()) { // finite at D digits, not at D': no equality can be confirmed
      v.kind = verdict_kind::different;
      v.nonfinite += " at " + std::to_string(digits2) + " digits";
      v.lhs_name = std::move(lhs_name);
      v.rhs_name = std::move(rhs_name);
      return v;
    }
    d2 = relative_distance(s.lhs, s.rhs);
    t2 = floor_at(digits2);
  }
  // A true identity's distance sits at the rounding floor, or (when the sides cancel down to
  // a small result) falls with the precision: by at least half the digits added. A real
  // difference keeps its size however many digits are carried.
  const bool under_both = d1 <= t1 && d2 <= t2;
  const bool shrank = d2 <= d1 * pow(high(10), -tol.extra_digits / 2);
  v.kind = (under_both || shrank) ? verdict_kind::equal_to_precision : verdict_kind::different;
  v.distance = to_magnitude(d1);
  v.floor = rounding_floor{operations, magnitude, digits, to_magnitude(t1)};
  using finding = confirmation::finding;
  v.confirmed = confirmation{digits2, to_magnitude(d2), to_magnitude(t2),
                             v.kind == verdict_kind::different ? finding::did_not_shrink
                             : under_both                     ? finding::at_floor
                                                              : finding::shrank};
  v.lhs_name = std::move(lhs_name);
  v.rhs_name = std::move(rhs_name);
  return v;
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
