#pragma once
// The precision ladder: every model, loss, strategy and oracle in gradlaws is written once,
// generic over a scalar type, and runs on each rung below.
//
//   rung      type                 used for
//   exact     gradlaws::exact      rational models; laws checked with ==
//   high      gradlaws::high       transcendental models; precision-scaling verdicts
//   interval  gradlaws::interval   certifying that two sides really differ
//   machine   double, float        what floating point does
//             Eigen::bfloat16,     the 16-bit formats of mixed-precision training, for the
//             Eigen::half          training step's subjects (step_scalars)
//
// Generated inputs are exact rationals (small dyadic fractions), converted to a rung with
// from_exact<T>, so a case can be re-evaluated at any precision without changing its meaning.

#include <boost/multiprecision/gmp.hpp>
#include <boost/multiprecision/mpfi.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include "gradlaws/rung.hpp"

#include <Eigen/Core>
#include <boost/multiprecision/eigen.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace gradlaws {

namespace mp = boost::multiprecision;

/// Exact rung: GMP rationals. Expression templates are off so generic code may use `auto`.
using exact = mp::number<mp::gmp_rational, mp::et_off>;
/// High rung: MPFR floats whose precision is set at run time (see precision_scope).
using high = mp::number<mp::mpfr_float_backend<0>, mp::et_off>;
/// Interval rung: MPFI intervals at the same run-time precision as `high`.
using interval = mp::number<mp::mpfi_float_backend<0>, mp::et_off>;

template <class T> struct adjoint;
template <class F> struct rounded;

/// Dense column vector and matrix over a ladder scalar; batches store one example per column.
template <class T> using vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T> using mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

/// Sets the working precision of `high` and `interval` values created on this thread for the
/// lifetime of the scope, and restores the previous precision afterwards.
class precision_scope {
public:
  explicit precision_scope(int digits);
  ~precision_scope();
  precision_scope(const precision_scope &) = delete;
  precision_scope &operator=(const precision_scope &) = delete;

private:
  unsigned previous_high_;
  unsigned previous_interval_;
};

/// The working precision of `high` values created on this thread now, in decimal digits. The
/// precision travels as an explicit value (run_options::digits, judge_high's digits); this
/// is for tests of precision_scope itself.
int working_digits();

// ---------------------------------------------------------------------------------------------
// Traits

template <class T> struct scalar_traits; // specialised below for every ladder scalar

template <> struct scalar_traits<exact> {
  static constexpr bool is_exact = true;
  static constexpr rung kind = rung::exact;
  static constexpr bool is_ad = false;
  static std::string name() { return "exact (GMP rational)"; }
};
template <> struct scalar_traits<high> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::high;
  static constexpr bool is_ad = false;
  static std::string name();
};
template <> struct scalar_traits<interval> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::interval;
  static constexpr bool is_ad = false;
  static std::string name();
};
template <> struct scalar_traits<double> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::machine;
  static constexpr bool is_ad = false;
  static std::string name() { return "machine (double)"; }
};
template <> struct scalar_traits<float> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::machine;
  static constexpr bool is_ad = false;
  static std::string name() { return "machine (float)"; }
};
template <> struct scalar_traits<Eigen::bfloat16> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::machine;
  static constexpr bool is_ad = false;
  static std::string name() { return "machine (bfloat16)"; }
};
template <> struct scalar_traits<Eigen::half> {
  static constexpr bool is_exact = false;
  static constexpr rung kind = rung::machine;
  static constexpr bool is_ad = false;
  static std::string name() { return "machine (float16)"; }
};

/// True for the 16-bit formats (Eigen::bfloat16, Eigen::half): they compute through float.
template <class T>
inline constexpr bool is_half_format_v =
    std::is_same_v<T, Eigen::bfloat16> || std::is_same_v<T, Eigen::half>;

/// True when arithmetic on T is exact (rationals, and reverse-mode values over rationals).
template <class T> inline constexpr bool is_exact_v = scalar_traits<T>::is_exact;

/// True for the running-error values of the machine rung (gradlaws/rounded.hpp).
template <class T> inline constexpr bool is_rounded_v = false;
template <class F> inline constexpr bool is_rounded_v<rounded<F>> = true;


/// Converts an exact rational to T (rounded to nearest at T's precision; exact for dyadic
/// values within range).
template <class T> T from_exact(const exact &q);

/// q = n / 2^e as a canonical rational, made with shifts rather than a gcd (the generators'
/// values), in place: q keeps its storage.
inline void set_dyadic(exact &q, long n, unsigned e) {
  const mpq_ptr p = q.backend().data();
  if (e < 63 && n != LONG_MIN) { // in machine words: n/2^s over 2^(e-s), s = the common twos
    const unsigned shift = n == 0 ? e : std::min<unsigned>(e, unsigned(__builtin_ctzl(n)));
    mpz_set_si(mpq_numref(p), n / (1L << shift));
    mpz_set_ui(mpq_denref(p), n == 0 ? 1ul : 1ul << (e - shift));
    return;
  }
  mpz_set_si(mpq_numref(p), n);
  mpz_set_ui(mpq_denref(p), 1);
  if (n != 0 && e > 0) {
    const unsigned shift = std::min<unsigned>(e, unsigned(mpz_scan1(mpq_numref(p), 0)));
    mpz_tdiv_q_2exp(mpq_numref(p), mpq_numref(p), shift);
    mpz_mul_2exp(mpq_denref(p), mpq_denref(p), e - shift);
  }
}

/// n / 2^e as a canonical rational (see set_dyadic).
inline exact dyadic_fraction(long n, unsigned e) {
  exact q;
  set_dyadic(q, n, e);
  return q;
}

/// False for NaN and ±∞ (either end of an interval, the value of a reverse-mode value).
template <class T> bool is_finite_value(const T &v);

/// An exact matrix or vector on rung T (each entry by from_exact).
template <class T> mat<T> lift(const mat<exact> &m);
template <class T> vec<T> lift(const vec<exact> &v);

/// Certified enclosures of erf and erfc on the interval rung (MPFI has neither): both are
/// monotone, so the ends of the argument, rounded outwards by MPFR, bound the image.
interval erf_enclosure(const interval &x);
interval erfc_enclosure(const interval &x);

// Printing for people: a zero prints as 0 whatever its sign (-0.0 in double, MPFR's −0, MPFI's
// [+0, −0]), everywhere a number is shown (text, Markdown, HTML, JSON).

/// Prints q as an exact fraction ("-3/4", "2").
std::string to_string(const exact &q);
/// Prints x with `digits` significant decimal digits (0: the precision x carries).
std::string to_string(const high &x, int digits = 0);
/// Prints x with exactly `digits` significant digits, trailing zeros kept ("0.23500").
std::string to_significant(const high &x, int digits);
/// Prints an interval as [lower, upper] with `digits` significant digits (0: its precision).
std::string to_string(const interval &x, int digits = 0);
std::string to_string(double x, int digits = 0);
std::string to_string(float x, int digits = 0);
inline std::string to_string(Eigen::bfloat16 x, int digits = 0) { return to_string(float(x), digits); }
inline std::string to_string(Eigen::half x, int digits = 0) { return to_string(float(x), digits); }

/// Prints a vector as "[a, b, c]" with each element printed by to_string.
template <class T> std::string to_string(const vec<T> &v, int digits = 0);


// ---------------------------------------------------------------------------------------------
// Definitions

namespace detail {
/// k when q = n/2^k in lowest terms (generated inputs are dyadic), else -1.
inline long dyadic_exponent(mpq_srcptr q) {
  const mpz_srcptr den = mpq_denref(q);
  if (mpz_size(den) == 1) { // the usual case: one limb
    const mp_limb_t l = mpz_getlimbn(den, 0);
    return (l & (l - 1)) == 0 ? long(__builtin_ctzll(l)) : -1;
  }
  const auto bits = mpz_sizeinbase(den, 2);
  return mpz_scan1(den, 0) == bits - 1 ? long(bits - 1) : -1;
}
inline long dyadic_exponent(const exact &q) { return dyadic_exponent(q.backend().data()); }
} // namespace detail

template <class T> T from_exact(const exact &q) {
  if constexpr (std::is_same_v<T, exact>) {
    return q;
  } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    // A dyadic value with a small numerator is exact in F: no rational division needed.
    const long k = detail::dyadic_exponent(q);
    const mpz_srcptr num = mpq_numref(q.backend().data());
    if (k >= 0 && k < 120 && mpz_size(num) <= 1) {
      const mp_limb_t l = mpz_getlimbn(num, 0); // |numerator| (0 when it has no limb)
      if (l < (mp_limb_t(1) << std::numeric_limits<T>::digits))
        return T(std::ldexp(mpz_sgn(num) < 0 ? -double(l) : double(l), -int(k)));
    }
    return q.template convert_to<T>();
  } else if constexpr (is_half_format_v<T>) {
    // To double (correctly rounded), then to T as Eigen rounds a double (through float).
    return T(from_exact<double>(q));
  } else if constexpr (std::is_same_v<T, high>) {
    high r; // at the current working precision; rounded once, to nearest
    if (const long k = detail::dyadic_exponent(q); k >= 0)
      mpfr_set_z_2exp(r.backend().data(), mpq_numref(q.backend().data()), -k, MPFR_RNDN);
    else
      mpfr_set_q(r.backend().data(), q.backend().data(), MPFR_RNDN);
    return r;
  } else if constexpr (std::is_same_v<T, interval>) {
    interval r; // the tightest enclosure of q at the current working precision
    mpfi_set_q(r.backend().data(), q.backend().data());
    return r;
  } else if constexpr (scalar_traits<T>::is_ad) {
    return T(from_exact<typename T::value_type>(q));
  } else if constexpr (is_rounded_v<T>) {
    using F = typename T::value_type;
    const F v = from_exact<F>(q);
    // Beyond F's range: infinite, and nothing is claimed.
    if (!std::isfinite(double(v))) return T(v, std::numeric_limits<double>::infinity());
    // Dyadic inputs within range convert exactly; anything else carries its conversion error.
    const exact off = q - exact(double(v));
    return T(v, off == 0 ? 0.0 : (off < 0 ? exact(-off) : off).template convert_to<double>() * (1 + 0x1p-50));
  } else {
    static_assert(sizeof(T) == 0, "from_exact: T is not a ladder scalar");
  }
}

template <class T> bool is_finite_value(const T &v) {
  if constexpr (std::is_floating_point_v<T>) return std::isfinite(v);
  else if constexpr (is_half_format_v<T>) return std::isfinite(float(v));
  else if constexpr (std::is_same_v<T, high>) return boost::multiprecision::isfinite(v);
  else if constexpr (scalar_traits<T>::is_ad) return is_finite_value(v.v);
  else if constexpr (is_rounded_v<T>) return std::isfinite(double(v.v));
  else if constexpr (std::is_same_v<T, interval>)
    return boost::multiprecision::isfinite(lower(v)) && boost::multiprecision::isfinite(upper(v));
  else return true; // rationals are always finite
}

template <class T> mat<T> lift(const mat<exact> &m) {
  return m.unaryExpr([](const exact &q) { return from_exact<T>(q); });
}

template <class T> vec<T> lift(const vec<exact> &v) {
  return v.unaryExpr([](const exact &q) { return from_exact<T>(q); });
}

template <class T> std::string to_string(const vec<T> &v, int digits) {
  std::string out = "[";
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    if constexpr (std::is_same_v<T, exact>) out += to_string(v[i]);
    else out += to_string(v[i], digits);
  }
  return out + "]";
}

} // namespace gradlaws

// The scalar lists every registry entry is instantiated for. FORWARD scalars run forward
// passes (including the oracle's reverse-mode values); BACKWARD scalars also run backprop.
#define GRADLAWS_BACKWARD_SCALARS(X)                                                          \
  X(::gradlaws::exact) X(::gradlaws::high) X(::gradlaws::interval) X(double) X(float)         \
  X(::gradlaws::rounded<double>) X(::gradlaws::rounded<float>)
#define GRADLAWS_ORACLE_SCALARS(X)                                                            \
  X(::gradlaws::adjoint<::gradlaws::exact>) X(::gradlaws::adjoint<::gradlaws::high>)
#define GRADLAWS_FORWARD_SCALARS(X) GRADLAWS_BACKWARD_SCALARS(X) GRADLAWS_ORACLE_SCALARS(X)

namespace gradlaws {

/// A list of types: the precision ladder as a value generic code can fan out over.
template <class... Ts> struct type_list {};

namespace detail {
struct list_end {};
template <class List, class... Done> struct strip_end;
template <class... Done> struct strip_end<type_list<list_end>, Done...> {
  using type = type_list<Done...>;
};
template <class T, class... Rest, class... Done>
struct strip_end<type_list<T, Rest...>, Done...> : strip_end<type_list<Rest...>, Done..., T> {};
} // namespace detail

#define GRADLAWS_TYPE_LIST_ITEM(T) T,
/// The scalars backprop runs on: exact, high, interval, double, float. Built from the same
/// macro as the explicit instantiations, so the list and the compiled rungs cannot differ.
using backward_scalars = typename detail::strip_end<
    type_list<GRADLAWS_BACKWARD_SCALARS(GRADLAWS_TYPE_LIST_ITEM) detail::list_end>>::type;
/// The scalars forward passes run on: the backward scalars and the oracle's reverse-mode values.
using forward_scalars = typename detail::strip_end<
    type_list<GRADLAWS_FORWARD_SCALARS(GRADLAWS_TYPE_LIST_ITEM) detail::list_end>>::type;
/// The scalars of the training step's subjects (clipping, optimizer steps, gradient
/// accumulation), which need no model: the backward scalars and the 16-bit formats of
/// mixed-precision training, plain and with running error bounds.
using step_scalars = typename detail::strip_end<
    type_list<GRADLAWS_BACKWARD_SCALARS(GRADLAWS_TYPE_LIST_ITEM) ::Eigen::bfloat16, ::Eigen::half,
              ::gradlaws::rounded<::Eigen::bfloat16>, ::gradlaws::rounded<::Eigen::half>,
              detail::list_end>>::type;
#undef GRADLAWS_TYPE_LIST_ITEM

} // namespace gradlaws

namespace gradlaws::detail {
/// Eigen's traits for a real scalar class S of the ladder (not complex, not an integer, needing
/// initialisation), with its relative read, add and multiply costs.
template <class S, int Read, int Add, int Mul> struct real_num_traits : Eigen::GenericNumTraits<S> {
  using Real = S;
  using NonInteger = S;
  using Nested = S;
  using Literal = S;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = Read,
    AddCost = Add,
    MulCost = Mul
  };
};
} // namespace gradlaws::detail

// The running-error values of the machine rung (a backward scalar above).
#include "gradlaws/rounded.hpp"
