// The engine's formulas on the interval rung (MPFI), for certificates.
#include "gradlaws/detail/instantiate.hpp"

GRADLAWS_INSTANTIATE_BACKWARD_RUNG(::gradlaws::interval)
