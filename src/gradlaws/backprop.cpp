#include "gradlaws/backprop.hpp"

namespace gradlaws {
#define GRADLAWS_INSTANTIATE_FORWARD(T)                                                       \
  template mat<T> forward<T>(const model &, const vec<T> &, const mat<T> &, tape<T> *);       \
  template T objective<T>(const model &, const vec<T> &, const mat<T> &, const mat<T> &,      \
                          const reduction &);
#define GRADLAWS_INSTANTIATE_BACKWARD(T)                                                      \
  template vec<T> backward<T>(const model &, const vec<T> &, const tape<T> &, const mat<T> &); \
  template vec<T> gradient<T>(const model &, const vec<T> &, const mat<T> &, const mat<T> &,  \
                              const reduction &);
GRADLAWS_FORWARD_SCALARS(GRADLAWS_INSTANTIATE_FORWARD)
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_INSTANTIATE_BACKWARD)
} // namespace gradlaws
