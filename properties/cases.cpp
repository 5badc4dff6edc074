#include "cases.hpp"

namespace gradlaws::props {

std::string tuple_string(const std::vector<std::size_t> &v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}

std::string list_string(const std::vector<exact> &v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + to_string(v[i]);
  return s + "]";
}

std::string partitioned_problem::describe() const {
  return problem::describe() + "\nsplit  micro-batch sizes " + tuple_string(sizes);
}

rc::Gen<partitioned_problem> partitioned(const gen::problem_options &o) {
  return rc::gen::exec([o] {
    problem p = *gen::problems(o);
    auto sizes = *gen::partition(p.batch_size());
    return partitioned_problem{std::move(p), std::move(sizes)};
  });
}

std::string weighted_problem::describe() const {
  return problem::describe() + "\nw      " + list_string(weights);
}

rc::Gen<weighted_problem> weighted(const gen::problem_options &o) {
  return rc::gen::exec([o] {
    problem p = *gen::problems(o);
    auto w = *gen::weights(p.batch_size());
    return weighted_problem{std::move(p), std::move(w)};
  });
}

std::string reshuffled_problem::describe() const {
  std::string s = problem::describe() + "\norder  " + tuple_string(order);
  s += "\nextra  (x, y) = (" + to_string(extra_x) + ", " + to_string(extra_y) + ")";
  return s;
}

rc::Gen<reshuffled_problem> reshuffled(const gen::problem_options &o) {
  return rc::gen::exec([o] {
    problem p = *gen::problems(o);
    auto order = *gen::permutation(p.batch_size());
    mat<exact> ex = *gen::columns(p.m.input_dim(), 1);
    mat<exact> ey = *gen::columns(p.m.output_dim(), 1);
    return reshuffled_problem{std::move(p), std::move(order), vec<exact>(ex.col(0)),
                              vec<exact>(ey.col(0))};
  });
}

std::string two_loss_problem::describe() const {
  return problem::describe() + "\nB      " + second->name() + "\nα, β   " + to_string(alpha) +
         ", " + to_string(beta);
}

rc::Gen<two_loss_problem> two_losses(const gen::problem_options &o) {
  return rc::gen::exec([o] {
    problem p = *gen::problems(o);
    std::vector<const loss *> on = losses_on(o.on);
    const loss *b = *rc::gen::elementOf(on);
    auto alpha = *gen::dyadic();
    auto beta = *gen::dyadic();
    return two_loss_problem{std::move(p), b, std::move(alpha), std::move(beta)};
  });
}

std::string upstream_problem::describe() const {
  std::string s = problem::describe() + "\nU      ";
  for (Eigen::Index i = 0; i < u.cols(); ++i) s += (i ? ", " : "") + column_string(u, i);
  s += "\nV      ";
  for (Eigen::Index i = 0; i < v.cols(); ++i) s += (i ? ", " : "") + column_string(v, i);
  return s;
}

rc::Gen<upstream_problem> upstreams(const gen::problem_options &o) {
  return rc::gen::exec([o] {
    problem p = *gen::problems(o);
    mat<exact> u = *gen::columns(p.m.output_dim(), p.batch_size());
    mat<exact> v = *gen::columns(p.m.output_dim(), p.batch_size());
    return upstream_problem{std::move(p), std::move(u), std::move(v)};
  });
}

} // namespace gradlaws::props
