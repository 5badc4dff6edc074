#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <cmath>
#include <sstream>

namespace gradlaws {

std::string_view to_string(rung r) {
  switch (r) {
  case rung::exact: return "exact";
  case rung::high: return "high";
  case rung::interval: return "interval";
  case rung::machine: return "machine";
  }
  return "?";
}

rung parse_rung(std::string_view name) {
  for (rung r : {rung::exact, rung::high, rung::interval, rung::machine})
    if (to_string(r) == name) return r;
  throw unknown_name_error("rung", name, {"exact", "high", "interval", "machine"});
}

unknown_name_error::unknown_name_error(std::string_view kind, std::string_view name,
                                       const std::vector<std::string> &known)
    : error([&] {
        std::string s = "unknown " + std::string(kind) + " '" + std::string(name) + "'; known: ";
        for (std::size_t i = 0; i < known.size(); ++i) s += (i ? ", " : "") + known[i];
        return s;
      }()) {}

precision_scope::precision_scope(int digits)
    : previous_high_(high::thread_default_precision()),
      previous_interval_(interval::thread_default_precision()) {
  if (digits < 10 || digits > 100000)
    throw error("precision: " + std::to_string(digits) + " digits is outside [10, 100000]");
  high::thread_default_precision(unsigned(digits));
  interval::thread_default_precision(unsigned(digits));
}

precision_scope::~precision_scope() {
  high::thread_default_precision(previous_high_);
  interval::thread_default_precision(previous_interval_);
}

int working_digits() { return int(high::thread_default_precision()); }

std::string scalar_traits<high>::name() { return "high (MPFR)"; }
std::string scalar_traits<interval>::name() { return "interval (MPFI)"; }

namespace {
/// f monotone increasing (or decreasing): [f↓(lo), f↑(hi)] (or [f↓(hi), f↑(lo)]).
interval monotone_enclosure(const interval &x, int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t),
                            bool increasing) {
  const mpfr_prec_t prec = mpfi_get_prec(x.backend().data());
  mpfr_t lo, hi, a, b;
  mpfr_inits2(prec, lo, hi, a, b, (mpfr_ptr) nullptr);
  mpfi_get_left(lo, x.backend().data());
  mpfi_get_right(hi, x.backend().data());
  f(a, increasing ? lo : hi, MPFR_RNDD);
  f(b, increasing ? hi : lo, MPFR_RNDU);
  interval r;
  mpfi_set_prec(r.backend().data(), prec);
  mpfi_interv_fr(r.backend().data(), a, b);
  mpfr_clears(lo, hi, a, b, (mpfr_ptr) nullptr);
  return r;
}
} // namespace

interval erf_enclosure(const interval &x) { return monotone_enclosure(x, mpfr_erf, true); }
interval erfc_enclosure(const interval &x) { return monotone_enclosure(x, mpfr_erfc, false); }

std::string to_string(const exact &q) { return q.str(); }

namespace {
/// x, or +0 for a zero of either sign: a person reads "-0" as a different number, and MPFI
/// keeps the enclosure [0, 0] as [+0, −0].
high unsigned_zero(high x) {
  if (mpfr_zero_p(x.backend().data())) mpfr_setsign(x.backend().data(), x.backend().data(), 0, MPFR_RNDN);
  return x;
}
} // namespace

std::string to_string(const high &x, int digits) {
  if (digits <= 0) digits = int(x.precision());
  return unsigned_zero(x).str(digits, std::ios_base::fmtflags(0));
}

std::string to_significant(const high &x, int digits) {
  return unsigned_zero(x).str(digits, std::ios_base::showpoint);
}

std::string to_string(const interval &x, int digits) {
  if (digits <= 0) digits = int(x.precision());
  return "[" + unsigned_zero(high(lower(x))).str(digits) + ", " +
         unsigned_zero(high(upper(x))).str(digits) + "]";
}

namespace {
template <class F> std::string machine_string(F x, int digits) {
  std::ostringstream os;
  os.precision(digits > 0 ? digits : std::numeric_limits<F>::max_digits10);
  os << (x == 0 ? F(0) : x); // -0 as 0, as for high
  return os.str();
}
} // namespace

std::string to_string(double x, int digits) { return machine_string(x, digits); }
std::string to_string(float x, int digits) { return machine_string(x, digits); }

} // namespace gradlaws
