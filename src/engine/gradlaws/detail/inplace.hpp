#pragma once
// In-place arithmetic for the engine's inner loops: the same roundings as the expressions they
// replace (acc + a·b rounds the product, then the sum), written into variables the caller
// owns, so that the multiprecision rungs allocate nothing per operation. On the other scalars
// they are the plain expressions.

#include "gradlaws/scalar.hpp"

#include <algorithm>
#include <type_traits>

namespace gradlaws::detail {

// Dyadic rationals n/2^k (every generated input, and everything + − × make of them) are
// multiplied and added with shifts instead of GMP's gcd-based canonicalisation; the result is
// the same canonical rational.

/// An integer variable kept for the thread's lifetime.
struct mpz_scratch {
  mpz_t v;
  mpz_scratch() { mpz_init(v); }
  ~mpz_scratch() { mpz_clear(v); }
  mpz_scratch(const mpz_scratch &) = delete;
  mpz_scratch &operator=(const mpz_scratch &) = delete;
};

/// Sets q = num / 2^k in lowest terms, num already in q's numerator.
inline void canonical_dyadic(mpq_ptr q, long k) {
  const mpz_ptr num = mpq_numref(q);
  if (mpz_sgn(num) == 0) {
    mpz_set_ui(mpq_denref(q), 1);
    return;
  }
  const long shift = std::min<long>(k, long(mpz_scan1(num, 0)));
  if (shift > 0) mpz_tdiv_q_2exp(num, num, mp_bitcnt_t(shift));
  if (k - shift < 64) {
    mpz_set_ui(mpq_denref(q), 1ul << (k - shift)); // one limb: no reallocation
  } else {
    mpz_set_ui(mpq_denref(q), 1);
    mpz_mul_2exp(mpq_denref(q), mpq_denref(q), mp_bitcnt_t(k - shift));
  }
}

/// out = a · b
template <class T> void set_product(T &out, const T &a, const T &b) {
  if constexpr (std::is_same_v<T, high>)
    mpfr_mul(out.backend().data(), a.backend().data(), b.backend().data(), MPFR_RNDN);
  else if constexpr (std::is_same_v<T, exact>) {
    mpq_srcptr x = a.backend().data(), y = b.backend().data();
    const long kx = dyadic_exponent(x), ky = dyadic_exponent(y);
    if (kx >= 0 && ky >= 0 && &out != &a && &out != &b) {
      mpz_mul(mpq_numref(out.backend().data()), mpq_numref(x), mpq_numref(y));
      canonical_dyadic(out.backend().data(), kx + ky);
    } else {
      mpq_mul(out.backend().data(), x, y);
    }
  }
  else if constexpr (std::is_same_v<T, interval>)
    mpfi_mul(out.backend().data(), a.backend().data(), b.backend().data());
  else
    out = a * b;
}

/// acc += b
template <class T> void add_to(T &acc, const T &b) {
  if constexpr (std::is_same_v<T, high>)
    mpfr_add(acc.backend().data(), acc.backend().data(), b.backend().data(), MPFR_RNDN);
  else if constexpr (std::is_same_v<T, exact>) {
    mpq_ptr q = acc.backend().data();
    mpq_srcptr y = b.backend().data();
    const long kq = dyadic_exponent(q), ky = dyadic_exponent(y);
    if (kq >= 0 && ky >= 0 && &acc != &b) {
      const mpz_ptr num = mpq_numref(q);
      if (kq >= ky) { // n_q/2^kq + n_y 2^(kq-ky)/2^kq
        thread_local mpz_scratch shifted;
        mpz_mul_2exp(shifted.v, mpq_numref(y), mp_bitcnt_t(kq - ky));
        mpz_add(num, num, shifted.v);
        canonical_dyadic(q, kq);
      } else {
        mpz_mul_2exp(num, num, mp_bitcnt_t(ky - kq));
        mpz_add(num, num, mpq_numref(y));
        canonical_dyadic(q, ky);
      }
    } else {
      mpq_add(q, q, y);
    }
  }
  else if constexpr (std::is_same_v<T, interval>)
    mpfi_add(acc.backend().data(), acc.backend().data(), b.backend().data());
  else
    acc += b;
}

/// acc *= b
template <class T> void multiply_by(T &acc, const T &b) {
  if constexpr (std::is_same_v<T, exact>) {
    mpq_ptr q = acc.backend().data();
    mpq_srcptr y = b.backend().data();
    const long kq = dyadic_exponent(q), ky = dyadic_exponent(y);
    if (kq >= 0 && ky >= 0 && &acc != &b) {
      mpz_mul(mpq_numref(q), mpq_numref(q), mpq_numref(y));
      canonical_dyadic(q, kq + ky);
    } else {
      mpq_mul(q, q, y);
    }
  } else {
    acc *= b;
  }
}

/// acc += a · b, with `scratch` holding the rounded product
template <class T> void add_product(T &acc, const T &a, const T &b, T &scratch) {
  if constexpr (std::is_same_v<T, high> || std::is_same_v<T, exact> || std::is_same_v<T, interval>) {
    set_product(scratch, a, b);
    add_to(acc, scratch);
  } else {
    acc += a * b;
  }
}

} // namespace gradlaws::detail
