#include "gradlaws/verdict.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

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
  return kind == verdict_kind::exactly_equal || kind == verdict_kind::equal_to_precision;
}

std::string verdict::rung_name() const {
  if (!unavailable.empty()) return "";
  switch (on) {
  case rung::exact: return "exact (GMP rational)";
  case rung::high: return "high (MPFR, " + std::to_string(digits) + " digits)";
  case rung::interval: return "interval (MPFI, " + std::to_string(digits) + " digits)";
  case rung::machine: return "machine";
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
  if (on == rung::interval)
    return disjoint_component ? "component " + std::to_string(*disjoint_component) +
                                    ": the two enclosures are disjoint"
                              : "every component's enclosures overlap";
  if (!confirmed) return "";
  const char *why = "";
  switch (confirmed->found) {
  case confirmation::finding::did_not_shrink: why = " (the difference did not shrink)"; break;
  case confirmation::finding::at_floor: why = " (at the rounding floor at both precisions)"; break;
  case confirmation::finding::shrank:
    why = " (cancellation: the difference shrank with precision)";
    break;
  }
  return "re-evaluated at " + std::to_string(confirmed->digits) + " digits: relative distance " +
         confirmed->distance.scientific() + " against " + confirmed->floor.scientific() + why;
}

std::string verdict::summary() const {
  std::string s(to_string(kind));
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
  s += "  verdict on the " + rung_name() + " rung: " + std::string(to_string(kind)) + "\n";
  if (distance) s += "      relative distance " + distance_text() + "\n";
  s += "      tolerance: " + tolerance_text() + "\n";
  if (const std::string e = evidence_text(); !e.empty()) s += "      " + e + "\n";
  return s;
}

} // namespace gradlaws
