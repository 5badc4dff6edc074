#pragma once
// Case types the property families share: a problem plus what a law quantifies over besides.

#include <gradlaws/property.hpp>

#include <string>
#include <vector>

namespace gradlaws::props {

/// The examples of columns [begin, begin + count) of a batch matrix.
template <class T> mat<T> slice(const mat<T> &m, std::size_t begin, std::size_t count) {
  return m.middleCols(Eigen::Index(begin), Eigen::Index(count));
}

/// "(1, 2)".
std::string tuple_string(const std::vector<std::size_t> &v);
/// "[1/2, 1/4]".
std::string list_string(const std::vector<exact> &v);

/// A problem with its batch split into consecutive micro-batches.
struct partitioned_problem : problem {
  std::vector<std::size_t> sizes;
  std::string describe() const;
};
rc::Gen<partitioned_problem> partitioned(const gen::problem_options &o);

/// A problem with example weights.
struct weighted_problem : problem {
  std::vector<exact> weights;
  std::string describe() const;
};
rc::Gen<weighted_problem> weighted(const gen::problem_options &o);

/// A problem, a permutation of its batch, and an extra example (for invariances).
struct reshuffled_problem : problem {
  std::vector<std::size_t> order;
  vec<exact> extra_x, extra_y;
  std::string describe() const;
};
rc::Gen<reshuffled_problem> reshuffled(const gen::problem_options &o);

/// A problem with a second loss and the coefficients of αA + βB.
struct two_loss_problem : problem {
  const loss *second = nullptr;
  exact alpha, beta;
  std::string describe() const;
};
rc::Gen<two_loss_problem> two_losses(const gen::problem_options &o);

/// A problem with two upstream error matrices U and V (output × N).
struct upstream_problem : problem {
  mat<exact> u, v;
  std::string describe() const;
};
rc::Gen<upstream_problem> upstreams(const gen::problem_options &o);

} // namespace gradlaws::props
