// gradlaws's models as libtorch modules, the batches a step is handed, and what the modules
// support: the pieces of gradlaws::libtorch's subjects.

#include "gradlaws/torch.hpp"

#include "gradlaws/norm_layers.hpp"
#include "gradlaws/opaque.hpp"

#include <functional>
#include <unordered_map>

namespace gradlaws::libtorch {
namespace nn = ::torch::nn;
using ::torch::Tensor;

namespace {

/// libtorch's module for a registered activation (a Functional where it has a function but no
/// module), or an empty AnyModule.
nn::AnyModule activation_module(const std::string &name) {
  if (name == "identity") return nn::AnyModule(nn::Identity());
  if (name == "relu") return nn::AnyModule(nn::ReLU());
  if (name == "leaky_relu") return nn::AnyModule(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.01)));
  if (name == "abs") return nn::AnyModule(nn::Functional([](Tensor z) { return z.abs(); }));
  if (name == "hard_tanh") return nn::AnyModule(nn::Hardtanh());
  if (name == "square") return nn::AnyModule(nn::Functional([](Tensor z) { return z * z; }));
  if (name == "cube") return nn::AnyModule(nn::Functional([](Tensor z) { return z * z * z; }));
  if (name == "softsign") return nn::AnyModule(nn::Softsign());
  if (name == "sigmoid") return nn::AnyModule(nn::Sigmoid());
  if (name == "tanh") return nn::AnyModule(nn::Tanh());
  if (name == "softplus") return nn::AnyModule(nn::Softplus());
  if (name == "gelu") return nn::AnyModule(nn::GELU());
  if (name == "silu") return nn::AnyModule(nn::SiLU());
  return {};
}

/// libtorch's module for one layer of a gradlaws model, or an empty AnyModule.
nn::AnyModule module_for(const layer &l) {
  if (const auto *d = dynamic_cast<const dense *>(&l))
    return nn::AnyModule(nn::Linear(std::int64_t(d->in_dim()), std::int64_t(d->out_dim())));
  if (const auto *a = dynamic_cast<const activation_layer *>(&l)) return activation_module(a->fn().name());
  const auto width = std::int64_t(l.in_dim());
  if (const auto *b = dynamic_cast<const batch_norm *>(&l))
    return nn::AnyModule(nn::BatchNorm1d(
        nn::BatchNorm1dOptions(width).eps(b->epsilon().convert_to<double>())));
  if (const auto *n = dynamic_cast<const layer_norm *>(&l))
    return nn::AnyModule(nn::LayerNorm(
        nn::LayerNormOptions({width}).eps(n->epsilon().convert_to<double>())));
  return {};
}

/// The registered activations libtorch has a module (or a function) for.
std::vector<std::string> buildable_activations() {
  std::vector<std::string> names;
  for (const activation *a : activations())
    if (!activation_module(a->name()).is_empty()) names.push_back(a->name());
  return names;
}

/// libtorch's value at one argument, remembered per thread: the bound's evaluations ask for the
/// same arguments again and again (both sides of a law, the reach's seven points), and each
/// libtorch call builds tensors (and a graph, for σ′).
template <class S, class Compute>
S remembered(const void *function, bool derivative, S z, const Compute &compute) {
  struct key {
    const void *function;
    bool derivative, single;
    double z;
    bool operator==(const key &) const = default;
  };
  struct hash {
    std::size_t operator()(const key &k) const {
      return std::hash<double>()(k.z) ^ (std::hash<const void *>()(k.function) << 1) ^
             (std::size_t(k.derivative) << 2) ^ (std::size_t(k.single) << 3);
    }
  };
  thread_local std::unordered_map<key, double, hash> memory;
  const key k{function, derivative, std::is_same_v<S, float>, double(z)};
  if (const auto it = memory.find(k); it != memory.end()) return S(it->second);
  if (memory.size() > (1u << 16)) memory.clear();
  const S v = compute(z);
  memory.emplace(k, double(v));
  return v;
}

/// σ and σ′ as libtorch computes them, at one element of the argument's dtype in a tensor of
/// `width` equal elements (σ′ by autograd): width 1 takes libtorch's scalar code, a wide tensor
/// its vectorised kernel, and the two differ (float GELU by hundreds of ulps near z = -3).
own_activation torch_path(const std::string &name, std::int64_t width) {
  const auto module = std::make_shared<nn::AnyModule>(activation_module(name));
  auto f = [module, width](auto z) {
    using S = decltype(z);
    return remembered(module.get(), false, z, [&](S at) {
      ::torch::NoGradGuard no_grad;
      return module->forward(::torch::full({width}, at, dtype_of<S>()))[0].template item<S>();
    });
  };
  auto df = [module, width](auto z) {
    using S = decltype(z);
    return remembered(module.get(), true, z, [&](S at) {
      ::torch::AutoGradMode grad(true);
      const Tensor t =
          ::torch::full({width}, at, ::torch::TensorOptions(dtype_of<S>()).requires_grad(true));
      module->forward(t).sum().backward();
      return t.grad()[0].template item<S>();
    });
  };
  return own_activation::of(name, f, df);
}

/// The activation with both of libtorch's code paths.
own_activation torch_activation(const std::string &name) {
  own_activation a = torch_path(name, 1);
  a.paths.push_back(torch_path(name, 64));
  return a;
}

} // namespace

nn::Sequential sequential(const model &m) {
  if (const std::string why = unbuildable(m); !why.empty()) throw unsupported_rung_error(why);
  nn::Sequential s;
  for (const auto &l : m.layers()) s->push_back(module_for(*l));
  return s;
}

std::string unbuildable(const model &m) {
  for (const auto &l : m.layers())
    if (module_for(*l).is_empty())
      return "libtorch has no module for the layer " + l->describe() + " of " + m.describe();
  return "";
}

capabilities sequential_capabilities() {
  // BatchNorm1d refuses a batch of one in training mode, and a subject for any model must take
  // one: a BatchNorm step is a subject of one architecture that declares batch.min = 2.
  return {.activations = selection<activation>::named(buildable_activations()),
          .layers = selection<layer_kind>::named({"layer_norm"})};
}

model model_of(const nn::Module &m, std::string name, std::size_t inputs, std::size_t outputs,
               std::string_view loss, std::size_t vocabulary) {
  return opaque_model(std::move(name), inputs, outputs, parameter_count(m), loss,
                      parameter_names(m))
      .with_vocabulary(vocabulary);
}

model model_of(const nn::Module &m, std::string name, std::size_t inputs, std::size_t outputs,
               std::shared_ptr<const loss> loss, std::size_t vocabulary) {
  return opaque_model(std::move(name), inputs, outputs, parameter_count(m), std::move(loss),
                      parameter_names(m))
      .with_vocabulary(vocabulary);
}

capabilities module_capabilities(const nn::Module &m, std::string name, std::size_t inputs,
                                 std::size_t outputs, std::string_view loss, std::size_t vocabulary) {
  return {.fixed_model = std::make_shared<const model>(
              model_of(m, std::move(name), inputs, outputs, loss, vocabulary))};
}

capabilities module_capabilities(const nn::Module &m, std::string name, std::size_t inputs,
                                 std::size_t outputs, std::shared_ptr<const loss> loss,
                                 std::size_t vocabulary) {
  return {.fixed_model = std::make_shared<const model>(
              model_of(m, std::move(name), inputs, outputs, std::move(loss), vocabulary))};
}

Tensor batch::losses(const Tensor &output) const { return example_losses(loss(), output, y); }

Tensor batch::objective(const Tensor &output) const {
  if (reduction && reduction->k == reduction::kind::framework_mean)
    return framework_mean(loss(), output, y);
  return (losses(output) * coefficients).sum();
}

batch batch::group(std::size_t k) const {
  if (k >= groups.size())
    throw dimension_error("group " + std::to_string(k) + " of a batch of " +
                          std::to_string(groups.size()) + " groups");
  std::int64_t begin = 0;
  for (std::size_t j = 0; j < k; ++j) begin += groups[j];
  const std::int64_t n = groups[k];
  batch g = *this;
  g.x = x.narrow(0, begin, n);
  if (tokens.defined()) g.tokens = tokens.narrow(0, begin, n);
  g.y = y.narrow(0, begin, n);
  g.mask = mask.narrow(0, begin, n);
  g.coefficients = coefficients.narrow(0, begin, n);
  g.groups = {n};
  return g;
}

namespace detail {

void require_parameters(const nn::Module &m, const model &fixed) {
  if (parameter_count(m) != fixed.parameter_count())
    throw dimension_error("the module has " + std::to_string(parameter_count(m)) +
                          " parameters; the model it is checked as (" + fixed.describe() +
                          ") has " + std::to_string(fixed.parameter_count()));
}

template <class T>
batch gradient_batch(const model &m, const mat<T> &x, const mat<T> &y, const reduction &r) {
  batch b;
  b.x = rows(x);
  if (m.vocabulary()) b.tokens = b.x.to(::torch::kInt64);
  b.y = targets(m.objective_loss(), y);
  b.mask = ::torch::ones({x.cols()}, ::torch::kBool);
  b.groups = {x.cols()};
  std::vector<double> c;
  for (const exact &e : r.coefficients_for(m.objective_loss(), y, m.output_dim()))
    c.push_back(e.convert_to<double>());
  b.coefficients = ::torch::tensor(c, ::torch::kFloat64).to(dtype_of<T>());
  b.model = &m;
  b.reduction = &r;
  return b;
}

template <class T>
batch pipeline_batch(const model &m, const mat<T> &x, const mat<T> &y, const layout &l) {
  l.validate(std::size_t(x.cols()));
  batch b;
  b.x = rows(x);
  if (m.vocabulary()) b.tokens = b.x.to(::torch::kInt64);
  b.y = targets(m.objective_loss(), y);
  std::vector<char> valid;
  std::vector<double> c;
  const double share = 1.0 / double(l.valid_count());
  for (std::size_t i = 0; i < std::size_t(x.cols()); ++i) {
    valid.push_back(l.counts(i));
    c.push_back(l.counts(i) ? share : 0.0);
  }
  b.mask = ::torch::tensor(std::vector<std::int64_t>(valid.begin(), valid.end())).to(::torch::kBool);
  b.groups.assign(l.groups.begin(), l.groups.end());
  b.coefficients = ::torch::tensor(c, ::torch::kFloat64).to(dtype_of<T>());
  b.model = &m;
  return b;
}

capabilities merged(capabilities declared, bool takes_model) {
  if (!takes_model) {
    if (!declared.fixed_model)
      throw error("a libtorch subject whose factory takes no model is a module of one "
                  "architecture: give capabilities::fixed_model (libtorch::model_of)");
    return declared;
  }
  const capabilities torch = sequential_capabilities();
  declared.activations = declared.activations & torch.activations;
  declared.layers = declared.layers & torch.layers;
  return declared;
}

const own_functions &libtorch_functions() {
  static const own_functions functions = [] {
    std::vector<own_activation> list;
    for (const char *name : {"sigmoid", "tanh", "softplus", "gelu", "silu", "softsign"})
      list.push_back(torch_activation(name));
    return own_functions(std::move(list));
  }();
  return functions;
}

#define GRADLAWS_TORCH_INSTANTIATE(T)                                                           \
  template batch gradient_batch<T>(const model &, const mat<T> &, const mat<T> &,               \
                                   const reduction &);                                          \
  template batch pipeline_batch<T>(const model &, const mat<T> &, const mat<T> &, const layout &);
GRADLAWS_TORCH_INSTANTIATE(float)
GRADLAWS_TORCH_INSTANTIATE(double)
#undef GRADLAWS_TORCH_INSTANTIATE

} // namespace detail
} // namespace gradlaws::libtorch
