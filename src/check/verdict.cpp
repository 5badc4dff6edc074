#include "gradlaws/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace gradlaws {

namespace {
/// The unit roundoff charged in a machine format, as a power of two.
std::string unit_roundoff_of(const std::string &format) {
  if (format == "float") return "2^-24";
  if (format == "bfloat16") return "2^-8 + 2^-23 (rounded through float)";
  if (format == "float16") return "2^-11 + 2^-23 (rounded through float)";
  return "2^-53";
}
} // namespace

std::string_view to_string(verdict_kind k) {
  switch (k) {
  case verdict_kind::exactly_equal: return "exactly equal";
  case verdict_kind::equal_to_precision: return "equal to working precision";
  case verdict_kind::different: return "different";
  case verdict_kind::certified_different: return "certified different";
  case verdict_kind::not_certified: return "not certified";
  case verdict_kind::equal_up_to_rounding: return "equal up to rounding";
  case verdict_kind::undecided: return "undecided";
  }
  return "?";
}

double magnitude::to_double() const {
  if (mantissa == 0) return 0;
  if (exponent > std::numeric_limits<double>::max_exponent10) return HUGE_VAL;
  if (exponent < std::numeric_limits<double>::min_exponent10 - 16) return 0;
  return mantissa * std::pow(10.0, double(exponent));
}

std::string magnitude::scientific() const {
  double m = mantissa;
  long e = exponent;
  char digits[32];
  std::snprintf(digits, sizeof digits, "%.2f", m);
  if (m != 0 && digits[0] == '1' && digits[1] == '0') { // 9.996 rounds up to 10.00
    e += 1;
    std::snprintf(digits, sizeof digits, "%.2f", m / 10);
  }
  char out[64];
  std::snprintf(out, sizeof out, "%se%c%02ld", digits, e < 0 ? '-' : '+', e < 0 ? -e : e);
  return out;
}

bool operator<(const magnitude &a, const magnitude &b) {
  if (a.mantissa == 0 || b.mantissa == 0) return a.mantissa < b.mantissa;
  if (a.exponent != b.exponent) return a.exponent < b.exponent;
  return a.mantissa < b.mantissa;
}
bool operator<=(const magnitude &a, const magnitude &b) { return !(b < a); }

namespace {
std::string bracketed(const std::vector<std::string> &items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + "]";
}
} // namespace

bool verdict::equal() const {
  return kind == verdict_kind::exactly_equal || kind == verdict_kind::equal_to_precision ||
         kind == verdict_kind::equal_up_to_rounding;
}

bool verdict::accurate() const {
  for (const rounding_evidence &r : rounding)
    if (!(r.error <= r.bound)) return false;
  return true;
}

double rounding_evidence::used() const {
  if (bound > 0) return error / bound;
  return error > 0 ? HUGE_VAL : 0;
}

double two_precision_evidence::allowed() const {
  return std::ldexp(std::max(float_difference, std::ldexp(std::max(scale, inputs), -24)), -16);
}

double law_evidence::used() const {
  if (bound() > 0) return difference / bound();
  return difference > 0 ? HUGE_VAL : 0;
}

namespace {
std::string short_number(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2g", x);
  return b;
}
/// "error 3.1 ulp ≤ bound 40 ulp" near rounding size; plain numbers for an error far beyond
/// it ("error 0.5 > bound 5.6e-16"); "exact" when there was nothing to round.
std::string against_bound(const char *what, double error, double bound, double ulp) {
  if (error == 0 && bound == 0) return std::string(what) + " 0, bound 0 (computed exactly)";
  const char *rel = error <= bound ? " ≤ bound " : " > bound ";
  if (ulp > 0 && std::isfinite(ulp) && error <= 1e6 * ulp && bound <= 1e6 * ulp) {
    char b[128];
    std::snprintf(b, sizeof b, "%s %.3g ulp%s%.3g ulp", what, error / ulp, rel, bound / ulp);
    return b;
  }
  return what + (" " + short_number(error)) + rel + short_number(bound);
}
std::string error_against_bound(const rounding_evidence &r) {
  return against_bound("error", r.error, r.bound, r.ulp);
}
std::string difference_against_bound(const law_evidence &l) {
  return against_bound("difference", l.difference, l.bound(), l.ulp);
}
/// The side furthest beyond (or nearest to) its accuracy bound.
const rounding_evidence &least_accurate(const std::vector<rounding_evidence> &rounding) {
  const rounding_evidence *worst = &rounding.front();
  for (const rounding_evidence &r : rounding)
    if (r.used() > worst->used()) worst = &r;
  return *worst;
}
/// "; accuracy: … beyond …; your gelu: 31 ulp at z = -3.25 (double, 12 arguments)", or "".
std::string accuracy_clause(const verdict &v) {
  std::string s;
  if (!v.rounding.empty() && !v.accurate()) {
    const rounding_evidence &w = least_accurate(v.rounding);
    s += "; not the exact value: " + w.side + " is off by " + short_number(w.error) +
         " at component " + std::to_string(w.component) + ", beyond its accuracy bound " +
         short_number(w.bound);
  }
  for (const function_accuracy &f : v.functions) s += "; your " + to_text(f);
  return s;
}
} // namespace

std::string verdict::rung_name() const {
  if (!unavailable.empty()) return "";
  switch (on) {
  case rung::exact: return "exact (GMP rational)";
  case rung::high: return "high (MPFR, " + std::to_string(digits) + " digits)";
  case rung::interval: return "interval (MPFI, " + std::to_string(digits) + " digits)";
  case rung::machine: return "machine (" + (format.empty() ? std::string("double") : format) + ")";
  }
  return "?";
}

std::string verdict::lhs_text() const { return unavailable.empty() ? bracketed(lhs) : ""; }
std::string verdict::rhs_text() const { return unavailable.empty() ? bracketed(rhs) : ""; }
std::string verdict::difference_text() const {
  return unavailable.empty() ? bracketed(difference) : "";
}

std::string verdict::distance_text() const { return distance ? distance->scientific() : ""; }

std::string verdict::tolerance_text() const {
  if (!unavailable.empty()) return "";
  switch (on) {
  case rung::exact: return "none (exact rational comparison)";
  case rung::interval: return "none (enclosures either overlap or not)";
  case rung::machine:
    if (precisions)
      return "the two-precision rule: equal when the sides' difference in double is at most "
             "2^-16 × max(their difference in float, 2^-24 × the largest side or input) = " +
             short_number(precisions->allowed()) +
             " (a rounding difference shrinks about 2^29-fold from float to double; a violated "
             "law's does not)";
    return "the sum of the two sides' running error bounds of an evaluation in " + format +
           " (each operation's rounding, u = " + unit_roundoff_of(format) +
           ", and each elementwise function's — the math library's published ulp errors, or "
           "the subject's own function's movement over its argument's reach — propagated to "
           "the result)";
  default: break;
  }
  if (!floor) return "";
  std::string scale;
  if (floor->scale != 1) {
    char m[32];
    std::snprintf(m, sizeof m, "%g", floor->scale);
    scale = " × magnitude " + std::string(m);
  }
  return floor->value.scientific() + " = " + std::to_string(long(floor->operations)) +
         " operations" + scale + " × 10^(1-" + std::to_string(floor->digits) + ")";
}

std::string verdict::evidence_text() const {
  if (!unavailable.empty()) return unavailable;
  if (!nonfinite.empty())
    return nonfinite + ": a side that is not a finite number is never equal to anything";
  if (on == rung::machine && precisions)
    return "component " + std::to_string(precisions->component) + ": difference " +
           short_number(precisions->double_difference) + " in double, " +
           short_number(precisions->float_difference) + " in float (largest side " +
           short_number(precisions->scale) + ")";
  if (on == rung::machine) {
    std::string out;
    if (law)
      out = "the sides, component " + std::to_string(law->component) + ": " +
            difference_against_bound(*law) + "; accuracy against the exact value: ";
    for (std::size_t i = 0; i < rounding.size(); ++i)
      out += (i ? "; " : "") + rounding[i].side + ", component " +
             std::to_string(rounding[i].component) + ": " + error_against_bound(rounding[i]);
    for (const function_accuracy &f : functions) out += "; your " + gradlaws::to_text(f);
    return out;
  }
  if (on == rung::interval)
    return disjoint_component ? "component " + std::to_string(*disjoint_component) +
                                    ": the two enclosures are disjoint"
                              : "every component's enclosures overlap";
  if (!confirmed) return "";
  const char *why = "";
  switch (confirmed->found) {
  case confirmation::finding::did_not_shrink: why = " (the difference did not shrink)"; break;
  case confirmation::finding::under_floor:
    return "evaluated at " + std::to_string(confirmed->digits) + " digits: relative distance " +
           confirmed->distance.scientific() + " under the floor " + confirmed->floor.scientific() +
           " there, which implies equality at " + std::to_string(digits) +
           " digits (no separate evaluation needed)";
  case confirmation::finding::shrank:
    why = " (cancellation: the difference shrank with precision)";
    break;
  }
  return "re-evaluated at " + std::to_string(confirmed->digits) + " digits: relative distance " +
         confirmed->distance.scientific() + " against " + confirmed->floor.scientific() + why;
}

std::string verdict::summary() const {
  std::string s(to_string(kind));
  if (on == rung::machine && unavailable.empty() && nonfinite.empty() && precisions) {
    const std::string sizes = "the sides differ by " + short_number(precisions->double_difference) +
                              " in double and " + short_number(precisions->float_difference) +
                              " in float";
    if (kind == verdict_kind::equal_up_to_rounding)
      return s + " (double and float): " + sizes + " — it shrank with the precision, as rounding does";
    return "beyond rounding (double and float): " + sizes + " at component " +
           std::to_string(precisions->component) +
           " — it did not shrink with the precision: a bug, not rounding";
  }
  if (on == rung::machine && unavailable.empty() && nonfinite.empty() && law) {
    if (kind == verdict_kind::equal_up_to_rounding)
      return s + " (" + format + "): the sides' " + difference_against_bound(*law) +
             " (component " + std::to_string(law->component) + ")" + accuracy_clause(*this);
    return "beyond rounding (" + format + "): the sides differ by " +
           short_number(law->difference) + " at component " + std::to_string(law->component) +
           " against a bound of " + short_number(law->bound()) + " — a bug, not rounding" +
           accuracy_clause(*this);
  }
  const std::string d = distance_text(), t = tolerance_text();
  if (!d.empty()) s += ": relative distance " + d;
  if (!t.empty()) s += (d.empty() ? ": " : ", ") + t;
  return s;
}

std::string verdict::to_text() const {
  std::string s;
  s += "  " + lhs_name + "\n      = " + lhs_text() + "\n";
  s += "  " + rhs_name + "\n      = " + rhs_text() + "\n";
  s += "  difference (left - right)\n      = " + difference_text() + "\n";
  s += "  verdict on the " + rung_name() + " rung: " +
       (on == rung::machine && (law || precisions) ? summary() : std::string(to_string(kind))) + "\n";
  if (distance) s += "      relative distance " + distance_text() + "\n";
  for (const rounding_evidence &r : rounding)
    s += "      exact " + r.side + " = " + bracketed(r.exact) + "\n";
  s += "      tolerance: " + tolerance_text() + "\n";
  if (const std::string e = evidence_text(); !e.empty()) s += "      " + e + "\n";
  return s;
}

} // namespace gradlaws
