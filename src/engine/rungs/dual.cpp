// The forward pass on the oracle's dual numbers over the exact and the high rung.
#include "gradlaws/detail/instantiate.hpp"

GRADLAWS_INSTANTIATE_FORWARD_RUNG(::gradlaws::dual<::gradlaws::exact>)
GRADLAWS_INSTANTIATE_FORWARD_RUNG(::gradlaws::dual<::gradlaws::high>)
