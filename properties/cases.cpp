#include "cases.hpp"

#include <algorithm>
#include <numeric>

namespace gradlaws::props {

std::vector<exact> counts_of(const problem &p) {
  std::vector<exact> c;
  for (Eigen::Index i = 0; i < p.y.cols(); ++i)
    c.push_back(p.m.objective_loss().count_of(vec<exact>(p.y.col(i)), p.m.output_dim()));
  return c;
}

exact total(const std::vector<exact> &v) { return std::accumulate(v.begin(), v.end(), exact(0)); }

std::string tuple_string(const std::vector<std::size_t> &v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}

std::vector<exact> shares_of(const std::vector<std::size_t> &sizes) {
  std::size_t n = 0;
  for (std::size_t k : sizes) n += k;
  std::vector<exact> w;
  for (std::size_t k : sizes) w.push_back(exact(long(k)) / exact(long(n)));
  return w;
}

std::string list_string(const std::vector<exact> &v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + to_string(v[i]);
  return s + "]";
}

std::string partitioned_problem::describe() const {
  return problem::describe() + "\nsplit  micro-batch sizes " + tuple_string(sizes);
}

namespace {
/// A problem drawn from o, and one more member of Case drawn by `extra` for its batch size.
template <class Case, class Extra>
rc::Gen<Case> problems_with(const gen::problem_options &o, Extra extra) {
  return rc::gen::exec([o, extra] {
    problem p = *gen::problems(o);
    auto e = *extra(p.batch_size());
    return Case{std::move(p), std::move(e)};
  });
}
} // namespace

rc::Gen<partitioned_problem> partitioned(const gen::problem_options &o) {
  return problems_with<partitioned_problem>(o, gen::partition);
}

std::string weighted_problem::describe() const {
  return problem::describe() + "\nw      " + list_string(weights);
}

rc::Gen<weighted_problem> weighted(const gen::problem_options &o) {
  return problems_with<weighted_problem>(o, gen::weights);
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
    mat<exact> ex = *gen::inputs(p.m, 1);
    mat<exact> ey = *gen::targets(p.m, 1);
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
    std::vector<const loss *> on; // a second loss that takes the same targets
    for (const loss *l : losses_on(o.on))
      if (l->info().target == p.m.objective_loss().info().target) on.push_back(l);
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

namespace gradlaws::props {

std::string activation_case::describe() const {
  std::string s = "activation  " + act->name() + " (σ(z) = " + act->info().formula +
                  ", σ′(z) = " + act->info().derivative + ")\nz           [";
  for (std::size_t i = 0; i < z.size(); ++i) s += (i ? ", " : "") + to_string(z[i]);
  return s + "]   [N = " + std::to_string(z.size()) + ", rung " + std::string(to_string(on)) + "]";
}

std::vector<std::pair<std::string, std::string>> activation_case::details() const {
  // Five significant digits: the precision at which the seed thread quotes its numbers.
  precision_scope scope(default_digits);
  const auto s = derivative_at_mean_sides<high>(*act, *this);
  return {{"σ′(mean z) ≈", to_significant(s.lhs[0], 5)},
          {"mean σ′(z) ≈", to_significant(s.rhs[0], 5)}};
}

std::vector<figure> activation_case::figures() const {
  if (z.empty()) return {};
  const precision_scope scope(default_digits);
  auto as_double = [](const high &v) { return v.convert_to<double>(); };
  auto df = [&](double at) { return as_double(act->df(high(at))); };
  std::vector<double> zs;
  for (const exact &v : z) zs.push_back(v.convert_to<double>());
  const auto [lo_it, hi_it] = std::minmax_element(zs.begin(), zs.end());
  const double lo = *lo_it - 1.5, hi = *hi_it + 1.5;
  figure f;
  f.name = "jensen-gap";
  f.title = "Jensen's gap: " + act->name() + "′ at the mean is not the mean of " + act->name() + "′";
  f.x_label = "pre-activation z";
  f.y_label = "σ′(z)";
  figure::series curve{.label = "σ′(z) = " + act->info().derivative, .style = figure::mark::line};
  for (int k = 0; k <= 200; ++k) {
    const double at = lo + (hi - lo) * k / 200;
    curve.x.push_back(at);
    curve.y.push_back(df(at));
  }
  f.data.push_back(std::move(curve));
  const auto s = derivative_at_mean_sides<high>(*act, *this);
  const exact mean = std::accumulate(z.begin(), z.end(), exact(0)) / exact(long(z.size()));
  const double mean_z = mean.convert_to<double>();
  figure::series witness{.label = "the witness: σ′(z_i)", .style = figure::mark::points};
  std::vector<std::size_t> order(zs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return zs[a] < zs[b]; });
  figure::series chord{.label = "chords between the σ′(z_i)", .style = figure::mark::dashed};
  for (std::size_t i : order) {
    witness.x.push_back(zs[i]);
    witness.y.push_back(df(zs[i]));
    witness.point_labels.push_back("z = " + to_string(z[i]));
    chord.x.push_back(zs[i]);
    chord.y.push_back(df(zs[i]));
  }
  f.data.push_back(std::move(witness));
  if (chord.x.size() >= 2) f.data.push_back(std::move(chord));
  f.data.push_back({.label = "the mean of σ′(z_i) ≈ " + to_significant(s.rhs[0], 5),
                    .style = figure::mark::points, .x = {mean_z}, .y = {as_double(s.rhs[0])},
                    .point_labels = {"mean of σ′"}});
  f.data.push_back({.label = "σ′ at the mean z̄ ≈ " + to_significant(s.lhs[0], 5),
                    .style = figure::mark::points, .x = {mean_z}, .y = {as_double(s.lhs[0])},
                    .point_labels = {"σ′(z̄)"}});
  f.caption = "At z̄ = " + to_string(mean) +
              " the curve (σ′ at the mean) and the mean of the points differ: σ′ is not affine, so "
              "averaging z before σ′ is not averaging σ′ after.";
  return {f};
}

std::string activation_regression(const activation_case &c, const property_info &info,
                                  const std::string &test, const verdict &found) {
  std::string z;
  for (std::size_t i = 0; i < c.z.size(); ++i) z += (i ? ", \"" : "\"") + to_string(c.z[i]) + "\"";
  const std::string setup = "    const activation &act = find_activation(\"" + c.act->name() +
                            "\");\n    const vec<T> z = vector_of<T>({" + z + "});\n";
  return draft_regression(info, test, c.on, default_digits, c.operations(), setup, found);
}

rc::Gen<activation_case> activation_cases(const variant &v) {
  const activation *act = variant_activation(v);
  const rung on = v.rung_or(rung::exact);
  return rc::gen::exec([act, on] {
    const auto n = *gen::count(1, 4);
    auto z = *rc::gen::container<std::vector<exact>>(n, gen::dyadic());
    return activation_case{act, std::move(z), on};
  });
}

} // namespace gradlaws::props

namespace gradlaws::props {

rc::Gen<problem> model_variant_problems(const variant &v) {
  gen::problem_options o;
  if (v.one_example) o.max_batch = 1;
  if (v.family == "linear_regression") {
    // Targets are drawn as prediction + residual, y = m·x + b + r, so that m and b shrink
    // without moving the residuals that witness a fallacy.
    return rc::gen::exec([o] {
      const model m = linear_regression();
      const auto n = *gen::count(o.min_batch, o.max_batch);
      auto theta = *gen::columns(2, 1);
      auto x = *gen::columns(1, n);
      auto r = *gen::columns(1, n);
      mat<exact> y = (x.array() * theta(0, 0) + theta(1, 0)).matrix() + r;
      return problem{m, vec<exact>(theta.col(0)), std::move(x), std::move(y), rung::exact};
    });
  }
  if (v.family == "linear_model_linear_loss") {
    o.max_hidden = 0;
    o.loss = "linear";
    return gen::problems(o);
  }
  gen::problem_options a = options_for(v); // an activation variant
  a.loss = "mse";
  if (v.one_example) a.max_batch = 1;
  return gen::problems(a);
}

std::string seed_regression_shape(const problem &p) {
  auto vals = [](const mat<exact> &m) {
    std::vector<exact> out;
    for (Eigen::Index j = 0; j < m.cols(); ++j) out.push_back(m(0, j));
    return out;
  };
  const std::vector<exact> zero_one{exact(0), exact(1)};
  std::string off;
  if (!(p.theta.size() == 2 && p.theta[0] == 0 && p.theta[1] == 0))
    off += "expected m = b = 0, got θ = " + to_string(p.theta) + "; ";
  if (p.x.rows() != 1 || vals(p.x) != zero_one || vals(p.y) != zero_one)
    off += "expected the batch {(0, 0), (1, 1)}; ";
  return off;
}

std::string reduction_case::describe() const {
  return problem::describe() + "\ng      " + g;
}

std::vector<std::pair<std::string, std::string>> reduction_case::details() const {
  std::string losses;
  const auto l = lift<exact>(*this);
  const vec<exact> li = example_losses<exact>(m, l.theta, l.x, l.y);
  return {{"per-example losses L_i =", to_string(li)}};
}

rc::Gen<reduction_case> reduction_cases(const variant &v) {
  const std::string g = v.reduction_name;
  if (g != "rmse" && g != "log_mean_exp" && g != "affine")
    throw unknown_name_error("reduction", g, reductions());
  const rung on = g == "affine" ? rung::exact : rung::high;
  auto base = model_variant_problems(variant{.family = "linear_regression"});
  if (g == "rmse") {
    // √ has no derivative at 0: keep every L_i > 0.
    base = rc::gen::suchThat(base, [](const problem &p) {
      const vec<exact> li = example_losses<exact>(p.m, p.theta, p.x, p.y);
      for (Eigen::Index i = 0; i < li.size(); ++i)
        if (li[i] == 0) return false;
      return true;
    });
  }
  return rc::gen::map(base, [g, on](problem p) {
    p.on = on;
    return reduction_case{std::move(p), g};
  });
}

} // namespace gradlaws::props
