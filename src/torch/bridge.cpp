// The bridge between gradlaws's values and libtorch's: θ and a module's parameters, columns and
// rows, targets, models as nn::Sequential, losses with their conventions, batches.

#include "gradlaws/torch.hpp"

#include "gradlaws/norm_layers.hpp"
#include "gradlaws/opaque.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace gradlaws::libtorch {
namespace F = ::torch::nn::functional;
using ::torch::Tensor;

namespace {

/// "[2,0]" for flat index `flat` of a tensor of `sizes` (row-major, as named_parameters()).
std::string index_words(std::int64_t flat, c10::IntArrayRef sizes) {
  std::vector<std::int64_t> at(sizes.size());
  for (std::size_t d = sizes.size(); d-- > 0;) {
    at[d] = flat % sizes[d];
    flat /= sizes[d];
  }
  std::string s = "[";
  for (std::size_t d = 0; d < at.size(); ++d) s += (d ? "," : "") + std::to_string(at[d]);
  return s + "]";
}

/// The tensor's entries as doubles, in row-major order.
std::vector<double> entries(const Tensor &t) {
  const Tensor c = t.detach().to(::torch::kFloat64).contiguous();
  const double *p = c.data_ptr<double>();
  return {p, p + c.numel()};
}

/// The libtorch call a loss's convention names: "torch.nn.functional.mse_loss" of
/// "torch.nn.functional.mse_loss(…)" or "… with probability targets".
std::string_view call_of(const loss &l) {
  std::string_view f = l.info().framework;
  return f.substr(0, f.find_first_of("( "));
}

double to_double(const exact &e) { return e.convert_to<double>(); }

/// The class weights w_0..w_{C-1} as a tensor, or an undefined tensor when every one is 1.
Tensor class_weights(const loss &l, std::int64_t classes, ::torch::Dtype dtype) {
  std::vector<double> w;
  bool all_one = true;
  for (std::int64_t c = 0; c < classes; ++c) {
    w.push_back(to_double(l.class_weight(long(c), std::size_t(classes))));
    all_one = all_one && w.back() == 1;
  }
  if (all_one) return {};
  return ::torch::tensor(w, ::torch::kFloat64).to(dtype);
}

/// A class-index loss as libtorch computes it: per example (mean false) or its own mean. With
/// P positions an example's row holds P blocks of C logits and P labels: the loss is taken
/// over the N·P tokens (as a language model's step does) and summed per example.
Tensor token_loss(const loss &l, const Tensor &out, const Tensor &y, bool mean);
Tensor class_index_loss(const loss &l, const Tensor &output, const Tensor &labels, bool mean) {
  const auto positions = std::int64_t(l.info().positions), n = output.size(0);
  if (positions == 1) return token_loss(l, output, labels, mean);
  const Tensor per_token =
      token_loss(l, output.reshape({n * positions, -1}), labels.reshape({n * positions}), mean);
  return mean ? per_token : per_token.reshape({n, positions}).sum(1);
}

/// The loss of each row of logits `out` against its label in `y` (or libtorch's own mean).
Tensor token_loss(const loss &l, const Tensor &out, const Tensor &y, bool mean) {
  const Tensor w = class_weights(l, out.size(1), out.scalar_type());
  const long ignore = l.ignore_label().value_or(-100);
  if (call_of(l) == "torch.nn.functional.nll_loss") {
    auto o = F::NLLLossFuncOptions().ignore_index(ignore);
    if (w.defined()) o.weight(w);
    if (mean) return F::nll_loss(out, y, o.reduction(::torch::kMean));
    return F::nll_loss(out, y, o.reduction(::torch::kNone));
  }
  auto o = F::CrossEntropyFuncOptions().ignore_index(ignore).label_smoothing(
      to_double(l.info().label_smoothing));
  if (w.defined()) o.weight(w);
  if (mean) return F::cross_entropy(out, y, o.reduction(::torch::kMean));
  return F::cross_entropy(out, y, o.reduction(::torch::kNone));
}

/// The elementwise losses ℓ_ij (N × d) of a dense or distribution loss libtorch has, or an
/// undefined tensor when it has none.
Tensor elementwise(const loss &l, const Tensor &out, const Tensor &y) {
  const std::string_view f = call_of(l);
  if (f == "torch.nn.functional.mse_loss" || f == "keras.losses.MeanSquaredError")
    return F::mse_loss(out, y, F::MSELossFuncOptions().reduction(::torch::kNone));
  if (f == "torch.nn.functional.l1_loss")
    return F::l1_loss(out, y, F::L1LossFuncOptions().reduction(::torch::kNone));
  if (f == "torch.nn.functional.huber_loss")
    return F::huber_loss(out, y, F::HuberLossFuncOptions().delta(1).reduction(::torch::kNone));
  if (f == "torch.nn.functional.binary_cross_entropy_with_logits") {
    auto o = F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(::torch::kNone);
    if (l.info().pos_weight != 1)
      o.pos_weight(::torch::full({out.size(1)}, to_double(l.info().pos_weight), out.options()));
    return F::binary_cross_entropy_with_logits(out, y, o);
  }
  if (l.name() == "linear") return y - out;
  return {};
}

/// A loss libtorch has no function for, through gradlaws's ∂L/∂ŷ: the value is L_i, the
/// gradient with respect to the output is gradlaws's.
Tensor through_gradient(const loss &l, const Tensor &out, const Tensor &y) {
  const std::vector<double> o = entries(out), t = entries(y.reshape({out.size(0), -1}));
  const std::int64_t n = out.size(0), d = out.size(1), dy = t.size() / std::size_t(n);
  std::vector<double> grads, values;
  for (std::int64_t i = 0; i < n; ++i) {
    const vec<double> yhat = Eigen::Map<const vec<double>>(o.data() + i * d, d);
    const vec<double> target = Eigen::Map<const vec<double>>(t.data() + i * dy, dy);
    const vec<double> g = l.gradient(yhat, target);
    grads.insert(grads.end(), g.data(), g.data() + g.size());
    values.push_back(l.value(yhat, target));
  }
  const Tensor g = ::torch::tensor(grads, ::torch::kFloat64).reshape({n, d}).to(out.scalar_type());
  const Tensor linear = (g * out).sum(1);
  const Tensor v = ::torch::tensor(values, ::torch::kFloat64).to(out.scalar_type());
  return linear + (v - linear).detach();
}

/// Σ_i count_i of the loss's own mean (loss::count_of) over the targets y.
double own_count(const loss &l, const Tensor &y, std::int64_t outputs) {
  const std::vector<double> t = entries(y.reshape({y.size(0), -1}));
  const std::size_t per = t.size() / std::size_t(y.size(0));
  exact total = 0;
  for (std::size_t i = 0; i < std::size_t(y.size(0)); ++i)
    total += l.count_of(vec<double>(Eigen::Map<const vec<double>>(t.data() + i * per, long(per))),
                        std::size_t(outputs));
  if (total == 0)
    throw empty_batch_error("the loss's own mean (" + l.name() +
                            "): every target is ignored, so there is nothing to divide by");
  return to_double(total);
}

} // namespace

std::vector<std::string> parameter_names(const ::torch::nn::Module &m) {
  std::vector<std::string> names;
  for (const auto &p : m.named_parameters(true))
    for (std::int64_t k = 0; k < p.value().numel(); ++k)
      names.push_back(p.key() + index_words(k, p.value().sizes()));
  return names;
}

std::size_t parameter_count(const ::torch::nn::Module &m) {
  std::size_t n = 0;
  for (const auto &p : m.parameters(true)) n += std::size_t(p.numel());
  return n;
}

template <class T> void set_parameters(::torch::nn::Module &m, const vec<T> &theta) {
  if (std::size_t(theta.size()) != parameter_count(m))
    throw dimension_error("θ has " + std::to_string(theta.size()) + " entries; the module '" +
                          m.name() + "' has " + std::to_string(parameter_count(m)) +
                          " parameters");
  ::torch::NoGradGuard no_grad;
  std::int64_t at = 0;
  for (auto &p : m.parameters(true)) {
    // A parameter of T's dtype takes its slice directly; another converts it.
    if (p.scalar_type() == dtype_of<T>() && p.is_contiguous())
      std::copy_n(theta.data() + at, p.numel(), p.data_ptr<T>());
    else
      p.copy_(::torch::from_blob(const_cast<T *>(theta.data()) + at, p.sizes(), dtype_of<T>()));
    at += p.numel();
  }
}

namespace {
template <class T, class Get> vec<T> flatten(const ::torch::nn::Module &m, Get get) {
  vec<T> out(Eigen::Index(parameter_count(m)));
  Eigen::Index at = 0;
  for (const auto &p : m.parameters(true)) {
    const Tensor t = get(p);
    if (!t.defined()) {
      out.segment(at, p.numel()).setZero();
    } else if (t.scalar_type() == dtype_of<T>() && t.is_contiguous()) {
      std::copy_n(t.data_ptr<T>(), t.numel(), out.data() + at);
    } else {
      // Read in T's dtype (exact from float to double; a double module read as float rounds
      // once, as the subject's float result must).
      const Tensor c = t.detach().to(dtype_of<T>()).contiguous();
      std::copy_n(c.data_ptr<T>(), c.numel(), out.data() + at);
    }
    at += p.numel();
  }
  return out;
}
} // namespace

template <class T> vec<T> parameters_of(const ::torch::nn::Module &m) {
  return flatten<T>(m, [](const Tensor &p) { return p; });
}

template <class T> vec<T> gradients_of(const ::torch::nn::Module &m) {
  return flatten<T>(m, [](const Tensor &p) { return p.grad(); });
}

void stale_gradients(::torch::nn::Module &m, const Tensor &seed) {
  stale_gradients(m, seed.detach().abs().sum().item<double>() + double(seed.size(0)));
}

void stale_gradients(::torch::nn::Module &m, double seed) {
  const double v = 0.25 + std::fmod(std::isfinite(seed) ? std::fabs(seed) : 0.0, 1.0);
  ::torch::NoGradGuard no_grad;
  std::int64_t k = 0;
  for (auto &p : m.parameters(true)) {
    const double stale = v * double(1 + k++ % 3);
    Tensor &g = p.mutable_grad();
    if (!g.defined() || g.sizes() != p.sizes() || g.scalar_type() != p.scalar_type())
      g = ::torch::full_like(p, stale).detach();
    else if (g.is_contiguous() && g.scalar_type() == ::torch::kFloat64)
      std::fill_n(g.data_ptr<double>(), g.numel(), stale);
    else if (g.is_contiguous() && g.scalar_type() == ::torch::kFloat32)
      std::fill_n(g.data_ptr<float>(), g.numel(), float(stale));
    else
      g.fill_(stale);
  }
}

template <class T> Tensor rows(const mat<T> &x) {
  // A column-major d × N matrix holds each example contiguously: an N × d row-major tensor.
  mat<T> copy = x;
  return ::torch::from_blob(copy.data(), {x.cols(), x.rows()}, dtype_of<T>()).clone();
}

template <class T> mat<T> columns(const Tensor &t) {
  const Tensor c = t.detach().to(dtype_of<T>()).contiguous();
  const std::int64_t n = c.size(0), d = c.dim() > 1 ? c.numel() / n : 1;
  return Eigen::Map<const mat<T>>(c.data_ptr<T>(), d, n);
}

template <class T> Tensor targets(const loss &l, const mat<T> &y) {
  if (l.info().target != target_kind::class_index) return rows(y);
  const auto positions = std::int64_t(l.info().positions);
  std::vector<std::int64_t> labels;
  for (Eigen::Index i = 0; i < y.cols(); ++i)
    for (Eigen::Index t = 0; t < y.rows(); ++t) {
      const auto c = y.rows() == positions ? label_of(y(t, i)) : std::nullopt;
      if (!c)
        throw dimension_error("loss " + l.name() + ": example " + std::to_string(i + 1) +
                              "'s target is not " +
                              (positions > 1 ? std::to_string(positions) + " integer class labels"
                                             : std::string("one integer class label")));
      labels.push_back(*c);
    }
  const Tensor t = ::torch::tensor(labels, ::torch::kInt64);
  return positions > 1 ? t.reshape({y.cols(), positions}) : t;
}

Tensor example_losses(const loss &l, const Tensor &output, const Tensor &y) {
  const std::vector<loss_term> terms = l.terms();
  if (terms.size() != 1 || terms[0].part != &l || terms[0].weight != 1) {
    Tensor sum = ::torch::zeros({output.size(0)}, output.options());
    for (const loss_term &t : terms) sum = sum + to_double(t.weight) * example_losses(*t.part, output, y);
    return sum;
  }
  if (l.info().target == target_kind::class_index)
    return class_index_loss(l, output, y, false);
  if (l.info().target == target_kind::distribution && call_of(l) == "torch.nn.functional.cross_entropy")
    return F::cross_entropy(output, y, F::CrossEntropyFuncOptions().reduction(::torch::kNone));
  const Tensor e = elementwise(l, output, y);
  if (!e.defined()) return through_gradient(l, output, y);
  return call_of(l) == "keras.losses.MeanSquaredError" ? e.mean(1) : e.sum(1);
}

Tensor framework_mean(const loss &l, const Tensor &output, const Tensor &y) {
  const bool single = l.terms().size() == 1 && l.terms()[0].part == &l;
  if (single && l.info().target == target_kind::class_index)
    return class_index_loss(l, output, y, true);
  if (single && l.info().counts == mean_count::elements) {
    const Tensor e = elementwise(l, output, y);
    if (e.defined()) return e.mean();
  }
  return example_losses(l, output, y).sum() / own_count(l, y, output.size(1));
}

#define GRADLAWS_TORCH_INSTANTIATE(T)                                                           \
  template void set_parameters<T>(::torch::nn::Module &, const vec<T> &);                       \
  template vec<T> parameters_of<T>(const ::torch::nn::Module &);                                \
  template vec<T> gradients_of<T>(const ::torch::nn::Module &);                                 \
  template Tensor rows<T>(const mat<T> &);                                                      \
  template mat<T> columns<T>(const Tensor &);                                                   \
  template Tensor targets<T>(const loss &, const mat<T> &);
GRADLAWS_TORCH_INSTANTIATE(float)
GRADLAWS_TORCH_INSTANTIATE(double)
#undef GRADLAWS_TORCH_INSTANTIATE

} // namespace gradlaws::libtorch
