#pragma once
// Case types the property families share: a problem plus what a law quantifies over besides.

#include <gradlaws/oracle.hpp>
#include <gradlaws/property.hpp>

#include <string>
#include <vector>

namespace gradlaws::props {

/// The cases of a law on MLPs of the variant's activation and rung: `make(options_for(v))`.
template <class Case>
case_generator<Case> from_options(rc::Gen<Case> (*make)(const gen::problem_options &)) {
  return [make](const variant &v) { return make(options_for(v)); };
}

/// Registers a law over gradlaws's batch gradient (builtin_gradient_subject) on the cases
/// from_options(make) draws.
template <class Case, class Sides>
bool register_backprop_law(property_info words, rc::Gen<Case> (*make)(const gen::problem_options &),
                           const Sides &sides) {
  return register_law(make_law<gradient_subject, Case>(std::move(words), from_options(make), sides),
                      builtin_gradient_subject);
}

/// The sides of an oracle law: the subject's batch gradient of J against the reverse-mode
/// oracle's, on the exact and high rungs (the oracle runs on no other).
/// The subject against the reverse-mode oracle on the exact and high rungs; in float and
/// double (a user's subject on the machine rung), against gradlaws's backprop in the same
/// format with the subject's own functions, judged under both sides' rounding bounds.
inline constexpr auto oracle_sides = []<class T>(const gradient_subject &g,
                                                  const problem &p) -> sides<T> {
  const auto l = lift<T>(p);
  if constexpr (std::is_same_v<T, exact> || std::is_same_v<T, high>)
    return {gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g)),
            oracle_gradient<T>(p.m, l.theta, l.x, l.y)};
  else if constexpr (std::is_same_v<T, interval>)
    throw unsupported_rung_error("the oracle runs on the exact and high rungs only");
  else
    return {gradient<T>(p.m, l.theta, l.x, l.y, on<T>(g)),
            gradient<T>(p.m, l.theta, l.x, l.y, on<T>(backprop_subject()))};
};

/// One of the values, shrinking towards the first (RapidCheck's elementOf does not shrink).
template <class V> rc::Gen<V> simplest_first(const std::vector<V> &values) {
  return rc::gen::map(gen::count(0, values.size() - 1), [values](std::size_t i) { return values[i]; });
}

/// The machine formats of the training step's laws: double and float, and the 16-bit formats
/// its subjects (clipping, optimizer, accumulation) run in too.
inline const std::vector<machine_format> step_formats{
    machine_format::double_format, machine_format::float_format, machine_format::bfloat16_format,
    machine_format::float16_format};

/// Each vector on rung T.
template <class T> std::vector<vec<T>> lift_all(const std::vector<vec<exact>> &v) {
  std::vector<vec<T>> out;
  for (const vec<exact> &x : v) out.push_back(lift<T>(x));
  return out;
}

/// n_k / N of each group of the given sizes (N their sum): a micro-batch's share of the batch.
std::vector<exact> shares_of(const std::vector<std::size_t> &sizes);

/// The examples of columns [begin, begin + count) of a batch matrix.
template <class T> mat<T> slice(const mat<T> &m, std::size_t begin, std::size_t count) {
  return m.middleCols(Eigen::Index(begin), Eigen::Index(count));
}

/// The batch's columns in the order given (column i of the result is column order[i]).
template <class T> mat<T> permute(const mat<T> &m, const std::vector<std::size_t> &order) {
  mat<T> out(m.rows(), m.cols());
  for (std::size_t i = 0; i < order.size(); ++i) out.col(Eigen::Index(i)) = m.col(Eigen::Index(order[i]));
  return out;
}

/// The columns of a, then those of b.
template <class T> mat<T> append(const mat<T> &a, const mat<T> &b) {
  mat<T> out(a.rows(), a.cols() + b.cols());
  out << a, b;
  return out;
}

/// Ω_i of each example in the loss's own mean (loss::count_of: 1, d, or Σ w of its labelled
/// targets).
std::vector<exact> counts_of(const problem &p);
/// Σ of the values.
exact total(const std::vector<exact> &v);

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

namespace gradlaws::props {

/// An activation and a batch of pre-activations z_1..z_N (for the derivative-at-the-mean
/// fallacy and its boundary law).
struct activation_case {
  const activation *act = nullptr;
  std::vector<exact> z;
  rung on = rung::exact;
  std::string describe() const;
  double operations() const { return 8.0 * double(z.size()) + 16.0; }
  std::vector<std::pair<std::string, std::string>> details() const;
  /// Jensen's gap: σ′ around the witness, σ′(z_i), their mean and σ′ at the mean.
  std::vector<figure> figures() const;
};
/// z_1..z_N (1 ≤ N ≤ 4) of small dyadics for the activation of an activation variant.
rc::Gen<activation_case> activation_cases(const variant &v);

/// σ′(mean z) and mean σ′(z) on rung T, for the activation under test.
template <class T> sides<T> derivative_at_mean_sides(const activation &a, const activation_case &c) {
  vec<T> z(Eigen::Index(c.z.size()));
  for (std::size_t i = 0; i < c.z.size(); ++i) z[Eigen::Index(i)] = from_exact<T>(c.z[i]);
  return {derivative_at_mean(a, z), mean_derivative(a, z)};
}

/// A regression test pinning an activation case (see draft_regression).
std::string activation_regression(const activation_case &c, const property_info &info,
                                  const std::string &test, const verdict &found);

} // namespace gradlaws::props

namespace gradlaws::props {

/// Problems for a model variant: "linear_regression" (the seed's m·x + b under MSE, exact
/// rung), "linear_model_linear_loss" (Dense layers only, linear loss, exact rung), or an
/// activation variant "<activation>_<rung>" (an MLP with that activation under MSE). A
/// "one_example_" variant restricts the batch to a single example.
rc::Gen<problem> model_variant_problems(const variant &v);

/// True when the problem is the seed's linear regression with m = b = 0 and the batch
/// {(0, 0), (1, 1)}; otherwise says what differs.
std::string seed_regression_shape(const problem &p);

/// A problem and a reduction g applied to the mean loss: "rmse" (g = √), "log_mean_exp"
/// (J = log (1/N) Σ e^{L_i}), or "affine" (g(t) = 2t + 1).
struct reduction_case : problem {
  std::string g;
  std::string describe() const;
  std::vector<std::pair<std::string, std::string>> details() const;
};
rc::Gen<reduction_case> reduction_cases(const variant &v);

} // namespace gradlaws::props
