// The engine's formulas on the high rung (MPFR), and the high-precision oracle.
#include "gradlaws/detail/instantiate.hpp"

GRADLAWS_INSTANTIATE_BACKWARD_RUNG(::gradlaws::high)
namespace gradlaws {
template vec<high> oracle_gradient<high>(const model &, const vec<high> &, const mat<high> &,
                                      const mat<high> &, const reduction &);
} // namespace gradlaws
