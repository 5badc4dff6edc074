// Law 8: at one fixed forward pass, backward is linear in the upstream error. This is the
// exact sense in which averaging output errors *is* allowed: over one set of activations.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

const bool upstream_linearity = register_property<upstream_problem>(
    {.name = "upstream_linearity",
     .kind = entry_kind::law,
     .family = "upstream",
     .claim = "at one fixed forward pass, backpropagating the sum of two upstream errors gives "
              "the sum of the two backpropagated gradients",
     .formula = "backward(U + V) = backward(U) + backward(V)",
     .lhs = "backward(U + V)",
     .rhs = "backward(U) + backward(V)",
     .explanation = "with the activations fixed, backward is a linear map of the upstream error"},
    activation_variants(), [](const std::string &v) { return upstreams(options_for(v)); },
    []<class T>(const upstream_problem &p) -> sides<T> {
      const auto l = lift<T>(p);
      tape<T> t;
      forward<T>(p.m, l.theta, l.x, &t);
      const mat<T> u = lift<T>(p.u), v = lift<T>(p.v);
      return {backward<T>(p.m, l.theta, t, mat<T>(u + v)),
              vec<T>(backward<T>(p.m, l.theta, t, u) + backward<T>(p.m, l.theta, t, v))};
    });

} // namespace
} // namespace gradlaws::props
