#pragma once
// In-place arithmetic for the engine's inner loops: the same roundings as the expressions they
// replace (acc + a·b rounds the product, then the sum), written into variables the caller
// owns, so that the multiprecision rungs allocate nothing per operation. On the other scalars
// they are the plain expressions.

#include "gradlaws/scalar.hpp"

#include <type_traits>

namespace gradlaws::detail {

/// out = a · b
template <class T> void set_product(T &out, const T &a, const T &b) {
  if constexpr (std::is_same_v<T, high>)
    mpfr_mul(out.backend().data(), a.backend().data(), b.backend().data(), MPFR_RNDN);
  else if constexpr (std::is_same_v<T, exact>)
    mpq_mul(out.backend().data(), a.backend().data(), b.backend().data());
  else if constexpr (std::is_same_v<T, interval>)
    mpfi_mul(out.backend().data(), a.backend().data(), b.backend().data());
  else
    out = a * b;
}

/// acc += b
template <class T> void add_to(T &acc, const T &b) {
  if constexpr (std::is_same_v<T, high>)
    mpfr_add(acc.backend().data(), acc.backend().data(), b.backend().data(), MPFR_RNDN);
  else if constexpr (std::is_same_v<T, exact>)
    mpq_add(acc.backend().data(), acc.backend().data(), b.backend().data());
  else if constexpr (std::is_same_v<T, interval>)
    mpfi_add(acc.backend().data(), acc.backend().data(), b.backend().data());
  else
    acc += b;
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
