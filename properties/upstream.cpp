// Law 8: at one fixed forward pass, backward is linear in the upstream error. This is the
// exact sense in which averaging output errors *is* allowed: over one set of activations.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool upstream_linearity = register_law(
    make_law<backward_subject, upstream_problem>(
        {.name = "upstream_linearity",
         .kind = entry_kind::law,
         .family = "upstream",
         .claim = "at one fixed forward pass, backpropagating the sum of two upstream errors gives "
                  "the sum of the two backpropagated gradients",
         .formula = "backward(U + V) = backward(U) + backward(V)",
         .lhs = "backward(U + V)",
         .rhs = "backward(U) + backward(V)",
         .explanation = "with the activations fixed, backward is a linear map of the upstream error",
         .domain = {.hands_batches_of = 0}},
        from_options(upstreams),
        []<class T>(const backward_subject &subject, const upstream_problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          const mat<T> u = lift<T>(p.u), v = lift<T>(p.v);
          const auto &backward = subject.on<T>();
          return {backward(p.m, l.theta, l.x, mat<T>(u + v)),
                  vec<T>(backward(p.m, l.theta, l.x, u) + backward(p.m, l.theta, l.x, v))};
        }),
    builtin_backward_subject);

} // namespace
} // namespace gradlaws::props
