// The engine's formulas on the machine rung with running error bounds: the values float and
// double compute, each with a bound on its distance from the exact value (gradlaws/rounded.hpp).
#include "gradlaws/detail/instantiate.hpp"

namespace gradlaws {
long &branch_doubts() {
  thread_local long doubts = 0;
  return doubts;
}
} // namespace gradlaws

GRADLAWS_INSTANTIATE_BACKWARD_RUNG(::gradlaws::rounded<double>)
GRADLAWS_INSTANTIATE_BACKWARD_RUNG(::gradlaws::rounded<float>)
