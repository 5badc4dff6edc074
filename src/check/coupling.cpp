#include "gradlaws/coupling.hpp"

namespace gradlaws {

template <class T>
sides<T> coupling_probe(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                        Eigen::Index i, Eigen::Index j, const vec<T> &delta,
                        const batch_gradient_fn<T> &g) {
  if (j < 0 || j >= x.cols())
    throw dimension_error("perturbed example index " + std::to_string(j) +
                          " is outside a batch of " + std::to_string(x.cols()));
  if (i == j)
    throw dimension_error("coupling probe: the perturbed example must differ from the observed "
                          "one (both are " + std::to_string(i) + ")");
  if (delta.size() != x.rows())
    throw dimension_error("coupling probe: δ has " + std::to_string(delta.size()) +
                          " entries but an example has " + std::to_string(x.rows()) + " inputs");
  mat<T> moved = x;
  moved.col(j) += delta;
  if (!g)
    return {in_batch_example_gradient<T>(m, theta, moved, y, i),
            in_batch_example_gradient<T>(m, theta, x, y, i)};
  if (i < 0 || i >= x.cols())
    throw dimension_error("example index " + std::to_string(i) + " is outside a batch of " +
                          std::to_string(x.cols()));
  // ∇ L_i in the batch: the subject's gradient of Σ c_j L_j with c = e_i.
  std::vector<exact> c(std::size_t(x.cols()), exact(0));
  c[std::size_t(i)] = 1;
  const reduction only_i = reduction::given(std::move(c));
  return {g(m, theta, moved, y, only_i), g(m, theta, x, y, only_i)};
}

std::optional<coupling_finding> detect_coupling(const problem &p, const mat<exact> &delta,
                                                int digits) {
  p.validate();
  if (delta.rows() != p.x.rows() || delta.cols() != p.x.cols())
    throw dimension_error("detect_coupling: δ is " + std::to_string(delta.rows()) + "×" +
                          std::to_string(delta.cols()) + " but the batch is " +
                          std::to_string(p.x.rows()) + "×" + std::to_string(p.x.cols()));
  const std::string after = "∇L_i in the batch after moving x_j";
  const std::string before = "∇L_i in the batch";
  for (Eigen::Index j = 0; j < p.x.cols(); ++j) {
    for (Eigen::Index i = 0; i < p.x.cols(); ++i) {
      if (i == j) continue;
      verdict v;
      if (p.on == rung::exact) {
        v = judge_exact(after, before,
                        coupling_probe<exact>(p.m, p.theta, p.x, p.y, i, j, vec<exact>(delta.col(j))));
      } else if (p.on == rung::high) {
        v = judge_high(
            after, before, digits, p.operations(),
            [&] {
          const auto l = lift<high>(p);
          const vec<high> d = lift<high>(mat<exact>(delta.col(j))).col(0);
          return coupling_probe<high>(p.m, l.theta, l.x, l.y, i, j, d);
        }, tolerances{}, p.magnitude());
      } else {
        throw error("detect_coupling judges on the exact or the high rung, not the " +
                    std::string(to_string(p.on)) + " rung");
      }
      if (!v.equal()) return coupling_finding{std::size_t(i), std::size_t(j), std::move(v)};
    }
  }
  return std::nullopt;
}

#define GRADLAWS_INSTANTIATE_COUPLING(T)                                                      \
  template sides<T> coupling_probe<T>(const model &, const vec<T> &, const mat<T> &,          \
                                      const mat<T> &, Eigen::Index, Eigen::Index,             \
                                      const vec<T> &, const batch_gradient_fn<T> &);
GRADLAWS_BACKWARD_SCALARS(GRADLAWS_INSTANTIATE_COUPLING)

} // namespace gradlaws
