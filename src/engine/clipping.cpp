#include "gradlaws/clipping.hpp"

#include <gmp.h>

namespace gradlaws {

exact exact_sqrt(const exact &q) {
  if (q < 0) throw error("the square root of the negative number " + to_string(q));
  mpq_srcptr p = q.backend().data();
  if (!mpz_perfect_square_p(mpq_numref(p)) || !mpz_perfect_square_p(mpq_denref(p)))
    throw unsupported_rung_error("√" + to_string(q) + " is irrational, and the exact rung has "
                                 "rationals only (the high rung computes it)");
  exact r;
  mpq_ptr out = r.backend().data();
  mpz_sqrt(mpq_numref(out), mpq_numref(p));
  mpz_sqrt(mpq_denref(out), mpq_denref(p)); // a reduced fraction's roots stay coprime
  return r;
}

} // namespace gradlaws
