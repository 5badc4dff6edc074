// The forward pass on the oracle's reverse-mode values over the exact and the high rung.
#include "gradlaws/detail/instantiate.hpp"

GRADLAWS_INSTANTIATE_FORWARD_RUNG(::gradlaws::adjoint<::gradlaws::exact>)
GRADLAWS_INSTANTIATE_FORWARD_RUNG(::gradlaws::adjoint<::gradlaws::high>)
