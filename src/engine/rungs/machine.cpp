// The engine's formulas on the machine rung: double and float.
#include "gradlaws/detail/instantiate.hpp"

GRADLAWS_INSTANTIATE_BACKWARD_RUNG(double)
GRADLAWS_INSTANTIATE_BACKWARD_RUNG(float)
