#include "gradlaws/problem.hpp"

#include <algorithm>
#include <cmath>

namespace gradlaws {

std::string column_string(const mat<exact> &m, Eigen::Index col) {
  std::string s = "[";
  for (Eigen::Index i = 0; i < m.rows(); ++i) s += (i ? ", " : "") + to_string(m(i, col));
  return s + "]";
}

std::string problem::describe() const {
  std::string s = "model  " + m.describe() + "\n";
  s += "θ      ";
  const auto &names = m.parameter_names();
  for (Eigen::Index k = 0; k < theta.size(); ++k)
    s += (k ? ", " : "") + names[std::size_t(k)] + " = " + to_string(theta[k]);
  s += "\nbatch  (x, y) = ";
  const loss &l = m.objective_loss();
  const bool labels = l.info().target == target_kind::class_index;
  for (Eigen::Index i = 0; i < x.cols(); ++i)
    s += (i ? ", " : "") + std::string("(") + column_string(x, i) + ", " +
         (labels ? l.describe_target(vec<exact>(y.col(i))) : column_string(y, i)) + ")";
  s += "   [N = " + std::to_string(x.cols()) + ", rung " + std::string(to_string(on)) + "]";
  return s;
}

double problem::operations() const {
  double per_example = 0;
  for (const auto &ly : m.layers())
    per_example += double(ly->in_dim() * ly->out_dim() + ly->out_dim() + ly->parameter_count());
  return 4.0 * per_example * double(std::max<Eigen::Index>(x.cols(), 1)) + 16.0;
}

double problem::magnitude() const {
  double m_max = 1;
  const auto take = [&](const mat<double> &v) {
    if (v.size() > 0) m_max = std::max(m_max, v.cwiseAbs().maxCoeff());
  };
  take(lift<double>(mat<exact>(theta)));
  take(lift<double>(x));
  if (m.objective_loss().info().target != target_kind::class_index) take(lift<double>(y));
  try {
    tape<double> t;
    take(forward<double>(m, lift<double>(theta), lift<double>(x), &t));
    for (const auto &in : t.inputs) take(in);
  } catch (const error &) {
    // A forward pass that cannot run (say, a batch without spread and ε = 0) adds nothing;
    // the sides themselves will report the problem.
  }
  return std::isfinite(m_max) ? m_max : 1;
}

void problem::validate() const { check_inputs(m, theta, x, y); }

std::ostream &operator<<(std::ostream &os, const problem &p) { return os << p.describe(); }

} // namespace gradlaws
