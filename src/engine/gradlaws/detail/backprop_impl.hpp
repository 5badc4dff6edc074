#pragma once
// Definitions of the backprop engine's templates (declared in gradlaws/backprop.hpp), included
// by the rung sources that instantiate them once per scalar.

#include "gradlaws/backprop.hpp"
#include "gradlaws/detail/inplace.hpp"
#include "gradlaws/detail/workspace.hpp"

#include <cmath>
#include <optional>
#include <string>


namespace gradlaws {

namespace detail {
/// Throws dimension_error naming example j unless y is a target of loss l: a class label in
/// 0..C-1 or the ignore label at each position; a distribution (entries ≥ 0 summing to 1, to within the
/// rounding of T's conversion of each entry).
template <class T>
void check_target(const loss &l, const vec<T> &y, std::size_t outputs, std::size_t j) {
  const auto where = [&] {
    return "target y_" + std::to_string(j + 1) + " of loss " + l.name() + ": ";
  };
  if (l.info().target == target_kind::class_index) {
    const std::size_t classes = l.classes(outputs);
    for (Eigen::Index t = 0; t < y.size(); ++t) {
      const auto c = label_of(y[t]);
      if (c && (*c == l.ignore_label() || (*c >= 0 && std::size_t(*c) < classes))) continue;
      throw dimension_error(where() + (y.size() > 1 ? "position " + std::to_string(t) + ": " : "") +
                            "not a class label in 0.." + std::to_string(classes - 1) +
                            (l.ignore_label() ? " or the ignore label " +
                                                    std::to_string(*l.ignore_label())
                                              : std::string()));
    }
    return;
  }
  if (l.info().target != target_kind::distribution) return;
  if constexpr (std::is_same_v<T, exact>) {
    const std::string why = l.target_problem(y, outputs);
    if (!why.empty()) throw dimension_error(where() + why);
  } else if constexpr (std::is_floating_point_v<T>) {
    T total(0);
    for (Eigen::Index k = 0; k < y.size(); ++k) {
      if (y[k] < 0) throw dimension_error(where() + "a probability is negative");
      total += y[k];
    }
    using std::abs;
    if (abs(total - T(1)) > T(4) * T(y.size()) * std::numeric_limits<T>::epsilon())
      throw dimension_error(where() + "the probabilities sum to " + to_string(total) +
                            ", not 1 (soft labels are a distribution)");
  }
}

} // namespace detail

template <class T>
void check_inputs(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y) {
  if (x.cols() == 0) throw empty_batch_error("empty batch: X has no examples (columns)");
  if (std::size_t(theta.size()) != m.parameter_count())
    throw dimension_error("θ has " + std::to_string(theta.size()) + " entries but the model (" +
                          m.describe() + ") has " + std::to_string(m.parameter_count()) +
                          " parameters");
  if (std::size_t(x.rows()) != m.input_dim())
    throw dimension_error("X has " + std::to_string(x.rows()) + " rows but the model takes " +
                          std::to_string(m.input_dim()) + " inputs");
  const loss &l = m.objective_loss();
  if (std::size_t(y.rows()) != l.target_rows(m.output_dim()))
    throw dimension_error("Y has " + std::to_string(y.rows()) + " rows but the model has " +
                          std::to_string(m.output_dim()) + " outputs and its loss " + l.name() +
                          " takes " + std::to_string(l.target_rows(m.output_dim())) +
                          " target rows per example");
  if (x.cols() != y.cols())
    throw dimension_error("X has " + std::to_string(x.cols()) + " examples but Y has " +
                          std::to_string(y.cols()));
  for (Eigen::Index k = 0; k < theta.size(); ++k)
    if (!is_finite_value(theta[k]))
      throw nonfinite_error("parameter θ[" + std::to_string(k) + "] (" +
                            m.parameter_names()[std::size_t(k)] + ") is NaN or infinite");
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (!is_finite_value(x(i, j)))
        throw nonfinite_error("input x_" + std::to_string(j + 1) + "[" + std::to_string(i) +
                              "] is NaN or infinite");
      if (m.vocabulary()) {
        const auto id = label_of(x(i, j));
        if (!id || *id < 0 || std::size_t(*id) >= m.vocabulary())
          throw dimension_error("input x_" + std::to_string(j + 1) + "[" + std::to_string(i) +
                                "] is not a token id in 0.." + std::to_string(m.vocabulary() - 1));
      }
    }
    for (Eigen::Index i = 0; i < y.rows(); ++i)
      if (!is_finite_value(y(i, j)))
        throw nonfinite_error("target y_" + std::to_string(j + 1) + "[" + std::to_string(i) +
                              "] is NaN or infinite");
    detail::check_target(l, vec<T>(y.col(j)), m.output_dim(), std::size_t(j));
  }
}

namespace detail {
/// Throws nonfinite_error naming where() if some entry of v is NaN or infinite. On the exact
/// rung nothing can be. `where` is called only to word the error.
template <class T, class M, class Where> void require_finite(const M &v, const Where &where) {
  if constexpr (!is_exact_v<T>)
    for (Eigen::Index j = 0; j < v.cols(); ++j)
      for (Eigen::Index i = 0; i < v.rows(); ++i)
        if (!is_finite_value(v(i, j)))
          throw nonfinite_error(std::string(where()) + " is NaN or infinite at entry (" +
                                std::to_string(i) + ", " + std::to_string(j) +
                                ") although its inputs are finite");
}
} // namespace detail

namespace detail {
/// What a pass keeps from case to case (detail/workspace.hpp): the tape, the output errors and
/// the two matrices the backward pass alternates between.
template <class T> struct pass_workspace {
  tape<T> t;
  mat<T> up;
  mat<T> back[2];
  vec<T> yhat_i, y_i; // one example's columns, for the loss
};

/// g = ∇J of J = Σ c_i L_i under r, by one batched pass; g is reshaped and overwritten.
/// θ, X and Y are checked by the caller.
template <class T>
void gradient_into(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                   const reduction &r, pass_workspace<T> &ws, vec<T> &g);

/// The forward pass into t: t.inputs[k] is layer k's input, t.output is ŷ. The tape's matrices
/// are reused when they fit. θ and X are checked by the caller.
template <class T>
void forward_pass(const model &m, const vec<T> &theta, const mat<T> &x, tape<T> &t) {
  const auto &layers = m.layers();
  require_finite<T>(theta, [] { return "θ"; });
  require_finite<T>(x, [] { return "X"; });
  t.inputs.resize(layers.size());
  t.inputs[0] = x;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    mat<T> &next = k + 1 < layers.size() ? t.inputs[k + 1] : t.output;
    layers[k]->forward_into(t.inputs[k], theta.data() + m.offsets()[k], next);
    require_finite<T>(next, [&] {
      return "the output of layer " + std::to_string(k + 1) + " (" + layers[k]->describe() + ")";
    });
  }
}

/// Adds ∂/∂θ of Σ upstream ⊙ ŷ into g, from the forward pass kept in t (already checked).
template <class T>
void backward_pass(const model &m, const vec<T> &theta, const tape<T> &t, const mat<T> &upstream,
                   vec<T> &g, mat<T> (&back)[2]) {
  const auto &layers = m.layers();
  require_finite<T>(upstream, [] { return "the upstream error"; });
  const mat<T> *up = &upstream;
  for (std::size_t k = layers.size(); k-- > 0;) {
    // The layer's output from the same forward pass: the next layer's input, or ŷ.
    const mat<T> &out = k + 1 < layers.size() ? t.inputs[k + 1] : t.output;
    mat<T> &dx = back[k % 2]; // never the matrix `up` points to
    layers[k]->backward_into(t.inputs[k], out, theta.data() + m.offsets()[k], *up,
                             g.data() + m.offsets()[k], dx);
    require_finite<T>(dx, [&] {
      return "the backward pass of layer " + std::to_string(k + 1) + " (" + layers[k]->describe() + ")";
    });
    up = &dx;
  }
  require_finite<T>(g, [] { return "the gradient"; });
}

/// e(:, i) = ∂L_i/∂ŷ_i, into e (reused when it fits).
template <class T>
void output_errors_into(const model &m, const mat<T> &yhat, const mat<T> &y, mat<T> &e,
                        vec<T> &yhat_i, vec<T> &y_i) {
  reshape(e, yhat.rows(), yhat.cols());
  const loss &l = m.objective_loss();
  for (Eigen::Index i = 0; i < yhat.cols(); ++i) {
    yhat_i = yhat.col(i);
    y_i = y.col(i);
    e.col(i) = l.gradient(yhat_i, y_i);
  }
}
} // namespace detail

template <class T>
mat<T> forward(const model &m, const vec<T> &theta, const mat<T> &x, tape<T> *keep) {
  if (x.cols() == 0) throw empty_batch_error("empty batch: X has no examples (columns)");
  if (std::size_t(x.rows()) != m.input_dim())
    throw dimension_error("X has " + std::to_string(x.rows()) + " rows but the model takes " +
                          std::to_string(m.input_dim()) + " inputs");
  if (std::size_t(theta.size()) != m.parameter_count())
    throw dimension_error("θ has " + std::to_string(theta.size()) + " entries but the model has " +
                          std::to_string(m.parameter_count()) + " parameters");
  if (keep) {
    detail::forward_pass(m, theta, x, *keep);
    return keep->output;
  }
  const detail::lease<detail::pass_workspace<T>> ws;
  detail::forward_pass(m, theta, x, ws->t);
  return ws->t.output;
}

template <class T>
vec<T> backward(const model &m, const vec<T> &theta, const tape<T> &t, const mat<T> &upstream) {
  if (std::size_t(theta.size()) != m.parameter_count())
    throw dimension_error("θ has " + std::to_string(theta.size()) + " entries but the model has " +
                          std::to_string(m.parameter_count()) + " parameters");
  const auto &layers = m.layers();
  // The tape must be this model's: one input per layer, each of the layer's width, one batch.
  if (t.inputs.size() != layers.size())
    throw dimension_error("the tape holds " + std::to_string(t.inputs.size()) +
                          " layer inputs but the model (" + m.describe() + ") has " +
                          std::to_string(layers.size()) +
                          " layers: run forward() of this model with the tape first");
  const Eigen::Index n = t.output.cols();
  for (std::size_t k = 0; k < layers.size(); ++k)
    if (std::size_t(t.inputs[k].rows()) != layers[k]->in_dim() || t.inputs[k].cols() != n)
      throw dimension_error("the tape's input of layer " + std::to_string(k + 1) + " (" +
                            layers[k]->describe() + ") is " + std::to_string(t.inputs[k].rows()) +
                            "×" + std::to_string(t.inputs[k].cols()) + ", not " +
                            std::to_string(layers[k]->in_dim()) + "×" + std::to_string(n) +
                            ": the tape belongs to another model or batch");
  if (std::size_t(t.output.rows()) != m.output_dim())
    throw dimension_error("the tape's output has " + std::to_string(t.output.rows()) +
                          " rows but the model has " + std::to_string(m.output_dim()) + " outputs");
  if (upstream.rows() != t.output.rows() || upstream.cols() != t.output.cols())
    throw dimension_error("upstream error is " + std::to_string(upstream.rows()) + "×" +
                          std::to_string(upstream.cols()) + " but the output is " +
                          std::to_string(t.output.rows()) + "×" + std::to_string(t.output.cols()));
  vec<T> g = vec<T>::Constant(theta.size(), T(0));
  const detail::lease<detail::pass_workspace<T>> ws;
  detail::backward_pass(m, theta, t, upstream, g, ws->back);
  return g;
}

template <class T> mat<T> output_errors(const model &m, const mat<T> &yhat, const mat<T> &y) {
  if (std::size_t(yhat.rows()) != m.output_dim())
    throw dimension_error("ŷ has " + std::to_string(yhat.rows()) + " rows but the model has " +
                          std::to_string(m.output_dim()) + " outputs");
  if (std::size_t(y.rows()) != m.objective_loss().target_rows(std::size_t(yhat.rows())) ||
      y.cols() != yhat.cols())
    throw dimension_error("Y is " + std::to_string(y.rows()) + "×" + std::to_string(y.cols()) +
                          " but ŷ is " + std::to_string(yhat.rows()) + "×" +
                          std::to_string(yhat.cols()));
  mat<T> e;
  vec<T> yhat_i, y_i;
  detail::output_errors_into(m, yhat, y, e, yhat_i, y_i);
  return e;
}

template <class T>
vec<T> example_losses(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y) {
  check_inputs(m, theta, x, y);
  const mat<T> yhat = forward(m, theta, x);
  vec<T> out(x.cols());
  for (Eigen::Index i = 0; i < x.cols(); ++i)
    out[i] = m.objective_loss().value(vec<T>(yhat.col(i)), vec<T>(y.col(i)));
  return out;
}

template <class T>
T objective(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
            const reduction &r) {
  check_inputs(m, theta, x, y);
  const auto c = r.coefficients_for(m.objective_loss(), y, m.output_dim());
  const mat<T> yhat = forward(m, theta, x);
  T j(0);
  for (Eigen::Index i = 0; i < x.cols(); ++i)
    j += from_exact<T>(c[std::size_t(i)]) *
         m.objective_loss().value(vec<T>(yhat.col(i)), vec<T>(y.col(i)));
  return j;
}

template <class T>
void detail::gradient_into(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                           const reduction &r, pass_workspace<T> &ws, vec<T> &g) {
  const std::size_t n = std::size_t(x.cols());
  forward_pass(m, theta, x, ws.t);
  mat<T> &up = ws.up;
  output_errors_into(m, ws.t.output, y, up, ws.yhat_i, ws.y_i);
  // Each example's error times its coefficient c_i; × 1 is exact and skipped.
  auto scale_column = [&up](Eigen::Index i, const T &c) {
    for (Eigen::Index j = 0; j < up.rows(); ++j) multiply_by(up(j, i), c);
  };
  switch (r.k) {
  case reduction::kind::sum: break;
  case reduction::kind::mean:
    if (n > 1) {
      const T c = from_exact<T>(exact(1) / exact(static_cast<long>(n)));
      for (Eigen::Index i = 0; i < up.cols(); ++i) scale_column(i, c);
    }
    break;
  default: {
    const auto c = r.coefficients_for(m.objective_loss(), y, m.output_dim());
    for (Eigen::Index i = 0; i < up.cols(); ++i)
      if (c[std::size_t(i)] != 1) scale_column(i, from_exact<T>(c[std::size_t(i)]));
  }
  }
  reshape(g, theta.size(), 1);
  g.setZero();
  backward_pass(m, theta, ws.t, up, g, ws.back);
}

template <class T>
vec<T> gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                const reduction &r) {
  check_inputs(m, theta, x, y);
  const detail::lease<detail::pass_workspace<T>> ws;
  vec<T> g;
  detail::gradient_into(m, theta, x, y, r, *ws, g);
  return g;
}

template <class T>
vec<T> example_gradient(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y,
                        Eigen::Index i, const batch_gradient_fn<T> &g) {
  if (i < 0 || i >= x.cols())
    throw dimension_error("example index " + std::to_string(i) + " is outside a batch of " +
                          std::to_string(x.cols()));
  const mat<T> xi = x.col(i), yi = y.col(i);
  return g ? g(m, theta, xi, yi, reduction::sum()) : gradient(m, theta, xi, yi, reduction::sum());
}

template <class T>
vec<T> mean_of_example_gradients(const model &m, const vec<T> &theta, const mat<T> &x,
                                 const mat<T> &y, const batch_gradient_fn<T> &g) {
  check_inputs(m, theta, x, y);
  struct example_workspace {
    mat<T> x_i, y_i; // example i as a batch of one
    vec<T> g_i;      // its gradient
  };
  // Reused from example to example; the batch was checked above, so each example is too.
  const detail::lease<example_workspace> ex;
  std::optional<detail::lease<detail::pass_workspace<T>>> ws; // g may use the engine itself
  if (!g) ws.emplace();
  vec<T> sum = vec<T>::Constant(theta.size(), T(0));
  for (Eigen::Index i = 0; i < x.cols(); ++i) {
    ex->x_i = x.col(i);
    ex->y_i = y.col(i);
    if (g) {
      sum += g(m, theta, ex->x_i, ex->y_i, reduction::sum());
    } else {
      detail::gradient_into(m, theta, ex->x_i, ex->y_i, reduction::sum(), **ws, ex->g_i);
      for (Eigen::Index k = 0; k < sum.size(); ++k) detail::add_to(sum[k], ex->g_i[k]);
    }
  }
  return sum / T(int(x.cols()));
}

template <class T> std::pair<mat<T>, mat<T>> mean_example(const mat<T> &x, const mat<T> &y) {
  if (x.cols() == 0) throw empty_batch_error("empty batch: the mean example of no examples");
  const T n = T(int(x.cols()));
  return {mat<T>(x.rowwise().sum() / n), mat<T>(y.rowwise().sum() / n)};
}

template <class T>
vec<T> gradient_at_mean_example(const model &m, const vec<T> &theta, const mat<T> &x,
                                const mat<T> &y, const batch_gradient_fn<T> &g) {
  check_inputs(m, theta, x, y);
  const auto [xm, ym] = mean_example(x, y);
  return g ? g(m, theta, xm, ym, reduction::mean()) : gradient(m, theta, xm, ym);
}

template <class T>
vec<T> mean_error_backprop(const model &m, const vec<T> &theta, const mat<T> &x, const mat<T> &y) {
  check_inputs(m, theta, x, y);
  const mat<T> e = output_errors(m, forward(m, theta, x), y);
  const mat<T> mean_error = e.rowwise().sum() / T(int(x.cols()));
  const auto [xm, ym] = mean_example(x, y);
  tape<T> t;
  forward(m, theta, xm, &t);
  return backward(m, theta, t, mean_error);
}

template <class T>
vec<T> in_batch_example_gradient(const model &m, const vec<T> &theta, const mat<T> &x,
                                 const mat<T> &y, Eigen::Index i) {
  if (i < 0 || i >= x.cols())
    throw dimension_error("example index " + std::to_string(i) + " is outside a batch of " +
                          std::to_string(x.cols()));
  // ∇ Σ_j c_j L_j with c = e_i: every example rides in the forward pass, only L_i counts.
  std::vector<exact> c(std::size_t(x.cols()), exact(0));
  c[std::size_t(i)] = 1;
  return gradient(m, theta, x, y, reduction::given(std::move(c)));
}

} // namespace gradlaws
