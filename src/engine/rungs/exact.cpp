// The engine's formulas on the exact rung (GMP rationals), and the exact oracle.
#include "gradlaws/detail/instantiate.hpp"

GRADLAWS_INSTANTIATE_BACKWARD_RUNG(::gradlaws::exact)
namespace gradlaws {
template vec<exact> oracle_gradient<exact>(const model &, const vec<exact> &, const mat<exact> &,
                                      const mat<exact> &, const reduction &);
} // namespace gradlaws
