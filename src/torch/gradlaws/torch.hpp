#pragma once
// gradlaws for libtorch (the optional component gradlaws::torch): a training step written with
// libtorch, handed over as it is written, checked by every law that applies to it.
//
//   auto net = [](const gradlaws::model &m) { return gradlaws::libtorch::sequential(m); };
//   auto step = [](torch::nn::Sequential &net, const gradlaws::libtorch::batch &b) {
//     net->zero_grad();
//     b.objective(net->forward(b.x)).backward();
//   };
//   GRADLAWS_EXPECT_LAWS(gradlaws::libtorch::make_gradient_subject("my step", net, step));
//
// gradlaws draws a model, θ and a batch; the bridge builds (once per thread and model) the
// module the factory returns, converts it to the rung's dtype (float or double), copies θ into
// its parameters in named_parameters() order, hands the step the batch as libtorch code takes
// it (examples as rows, class labels as int64, masks as bool) and reads back the gradients the
// step left in each parameter's .grad. Before each call every .grad holds a stale gradient (a
// value that depends on the batch), as it does in a training loop: a step that never zeroes
// the gradients is caught. A module of one architecture's θ is named as the module names it:
// "fc1.weight[2,0]".
//
// A factory that takes a gradlaws::model gets every model gradlaws draws within what libtorch
// has (Linear, every registered activation, LayerNorm; BatchNorm1d refuses a batch of one, so
// a BatchNorm step is a module of one architecture that declares batch.min = 2); one that takes
// nothing is a module of one architecture, described by fixed_model (module_capabilities()).
// make_replica_subject runs a data-parallel step on real processes (c10d Gloo).

#include "gradlaws/subject.hpp"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace gradlaws::libtorch {

/// libtorch's dtype for a machine scalar: kFloat32 for float, kFloat64 for double.
template <class T> ::torch::Dtype dtype_of() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "libtorch subjects run on float and double");
  return std::is_same_v<T, float> ? ::torch::kFloat32 : ::torch::kFloat64;
}

/// One name per entry of θ, in named_parameters() order: "fc1.weight[2,0]", "fc1.bias[2]".
std::vector<std::string> parameter_names(const ::torch::nn::Module &m);
/// The number of entries of θ: Σ numel over the module's parameters.
std::size_t parameter_count(const ::torch::nn::Module &m);

/// Copies θ into the parameters (converted to each parameter's dtype, without recording a
/// gradient). Throws dimension_error when θ's size is not parameter_count(m).
template <class T> void set_parameters(::torch::nn::Module &m, const vec<T> &theta);
/// The parameters as θ.
template <class T> vec<T> parameters_of(const ::torch::nn::Module &m);
/// The gradients left in each parameter's .grad, in θ order (an undefined .grad reads as 0:
/// a parameter the forward pass did not use).
template <class T> vec<T> gradients_of(const ::torch::nn::Module &m);
/// Puts a stale gradient in every .grad, as an earlier step of a training loop leaves it: a
/// value derived from `seed`'s entries, so the same batch gets the same stale gradient.
void stale_gradients(::torch::nn::Module &m, const ::torch::Tensor &seed);
/// The same from a number that depends on the batch (stale_seed).
void stale_gradients(::torch::nn::Module &m, double seed);
/// A number that depends on the batch: Σ |x_ij| + N.
template <class T> double stale_seed(const mat<T> &x) {
  return double(x.cwiseAbs().sum()) + double(x.cols());
}

/// gradlaws's d × N columns (one example per column) as libtorch's N × d rows, in T's dtype.
template <class T> ::torch::Tensor rows(const mat<T> &x);
/// An N × d (or N) tensor as gradlaws's d × N columns.
template <class T> mat<T> columns(const ::torch::Tensor &t);
/// The targets as libtorch's losses take them: int64 labels for a class-index loss, N of them
/// or N × P for a loss over P positions (an ignored one keeps the loss's ignore label); N × d
/// rows otherwise.
template <class T> ::torch::Tensor targets(const loss &l, const mat<T> &y);

/// gradlaws's model as nn::Sequential: Linear (weight out × in, then bias: θ's order), the
/// registered activations, LayerNorm, BatchNorm1d (training mode, biased batch variance).
/// Throws unsupported_rung_error naming a layer libtorch has no module for.
::torch::nn::Sequential sequential(const model &m);
/// Why sequential(m) cannot build m ("" when it can).
std::string unbuildable(const model &m);
/// What a factory of sequential() modules supports: the activations and layer kinds libtorch
/// has, every loss.
capabilities sequential_capabilities();

/// A module of one architecture as the model gradlaws draws θ and batches for: its parameter
/// count and names from the module, its widths per example and its loss given. `vocabulary`
/// V > 0: its inputs are token ids in 0..V-1 (batch::tokens), for a module that embeds them.
model model_of(const ::torch::nn::Module &m, std::string name, std::size_t inputs,
               std::size_t outputs, std::string_view loss, std::size_t vocabulary = 0);
/// The same under a loss given as an object: a language model's cross-entropy over P
/// positions (make_cross_entropy({.positions = P})), say.
model model_of(const ::torch::nn::Module &m, std::string name, std::size_t inputs,
               std::size_t outputs, std::shared_ptr<const loss> loss, std::size_t vocabulary = 0);

/// What a subject of one module supports: that module, as model_of() describes it.
capabilities module_capabilities(const ::torch::nn::Module &m, std::string name,
                                 std::size_t inputs, std::size_t outputs, std::string_view loss,
                                 std::size_t vocabulary = 0);
capabilities module_capabilities(const ::torch::nn::Module &m, std::string name,
                                 std::size_t inputs, std::size_t outputs,
                                 std::shared_ptr<const loss> loss, std::size_t vocabulary = 0);

/// The per-example losses L_i (N) with libtorch's functional losses, in gradlaws's convention
/// of the loss (L sums over the outputs): mse_loss, l1_loss, huber_loss,
/// binary_cross_entropy_with_logits (pos_weight), cross_entropy (class index with ignore_index,
/// label_smoothing and weight, over the N·P tokens of a loss over P positions; or probability
/// targets), nll_loss. A loss libtorch has no
/// function for (one registered by a user) enters through gradlaws's value and gradient ∂L/∂ŷ:
/// the tensor's value is L_i and autograd carries gradlaws's ∂L/∂ŷ back into the module.
::torch::Tensor example_losses(const loss &l, const ::torch::Tensor &output,
                               const ::torch::Tensor &y);
/// libtorch's own reduction='mean' of the loss (÷ N·d elements for mse_loss, ÷ Σ w of the
/// targets not ignored for cross_entropy): reduction::framework_mean().
::torch::Tensor framework_mean(const loss &l, const ::torch::Tensor &output,
                               const ::torch::Tensor &y);

/// The batch as a step takes it.
struct batch {
  ::torch::Tensor x;            ///< N × d_in, one row per example, the rung's dtype
  /// x as int64 token ids (N × d_in) when the model takes them (model::vocabulary); else
  /// undefined.
  ::torch::Tensor tokens;
  ::torch::Tensor y;            ///< targets(): int64 labels (N, or N × P) or N × d_out rows
  ::torch::Tensor mask;         ///< bool (N): the items that count (pipelines; else all true)
  std::vector<std::int64_t> groups; ///< consecutive micro-batches, shards or sequences
  /// c_i of the objective J = Σ c_i L_i the subject claims (N, x's dtype): the reduction's
  /// (gradient subjects), 1/T on the T items that count (pipelines).
  ::torch::Tensor coefficients;
  const gradlaws::model *model = nullptr;
  const gradlaws::reduction *reduction = nullptr; ///< gradient subjects only

  std::int64_t size() const { return x.size(0); }
  const gradlaws::loss &loss() const { return model->objective_loss(); }
  /// example_losses() of this batch's loss.
  ::torch::Tensor losses(const ::torch::Tensor &output) const;
  /// J: Σ c_i L_i, or libtorch's own mean under reduction::framework_mean().
  ::torch::Tensor objective(const ::torch::Tensor &output) const;
  /// Group k's items (its rows of x, y, mask and coefficients; one group).
  batch group(std::size_t k) const;
};

namespace detail {
template <class H> ::torch::nn::Module &module_of(H &h) { return *h; }

/// The subject's modules: one per thread, model and dtype, built by the factory on first use.
template <class Make> auto build(Make &make, const model &m) {
  if constexpr (std::is_invocable_v<Make &, const model &>) return make(m);
  else return make();
}

template <class Make> class module_cache {
public:
  static constexpr bool takes_model = std::is_invocable_v<Make &, const model &>;
  using holder = decltype(build(std::declval<Make &>(), std::declval<const model &>()));
  explicit module_cache(Make make) : make_(std::move(make)) {}

  template <class T> holder &get(const model &m) {
    const std::string key = (takes_model ? m.describe() : std::string()) + "|" +
                            (std::is_same_v<T, float> ? "float" : "double");
    std::lock_guard lock(mutex_);
    auto &mine = modules_[std::this_thread::get_id()];
    // Drawn models differ from case to case: keep a thread's modules to a few hundred (a
    // module is used only during the call that asked for it, on that thread).
    if (!mine.count(key) && mine.size() >= 256) mine.clear();
    auto &slot = mine[key];
    if (!slot) {
      holder h = build(make_, m);
      module_of(h).to(dtype_of<T>());
      slot = std::make_unique<holder>(std::move(h));
    }
    return *slot;
  }

private:
  Make make_;
  std::mutex mutex_;
  std::map<std::thread::id, std::map<std::string, std::unique_ptr<holder>>> modules_;
};

/// Runs the user's step; libtorch's own error (c10::Error, whose message carries a backtrace)
/// becomes a gradlaws::error with its first line.
template <class F> void run_step(const F &f) {
  try {
    f();
  } catch (const c10::Error &e) {
    const std::string what = e.what();
    throw error("the step raised libtorch's error: " + what.substr(0, what.find('\n')));
  }
}

/// Refuses a fixed module whose parameter count is not the model's.
void require_parameters(const ::torch::nn::Module &m, const model &fixed);

/// One call of a subject on its module: θ into the parameters, stale gradients (from `seed`,
/// stale_seed of the batch), the step (`run`), and the gradients it left, read in G.
template <class G, class T, class Run>
vec<G> gradients_after(::torch::nn::Module &mod, const model &m, const vec<T> &theta,
                       double seed, const Run &run) {
  require_parameters(mod, m);
  set_parameters<T>(mod, theta);
  stale_gradients(mod, seed);
  run_step(run);
  return gradients_of<G>(mod);
}
/// The batch of a gradient subject's call.
template <class T>
batch gradient_batch(const model &m, const mat<T> &x, const mat<T> &y, const reduction &r);
/// The batch of a pipeline subject's call.
template <class T>
batch pipeline_batch(const model &m, const mat<T> &x, const mat<T> &y, const layout &l);
/// What the factory's modules support, with the subject's own declaration on top.
capabilities merged(capabilities declared, bool takes_model);
/// The activations as libtorch computes them (gelu with erf, softplus with its threshold…).
const own_functions &libtorch_functions();

template <class Subject, class Make, class Step, class Batch>
Subject make_subject(std::string name, Make make, Step step, capabilities declared, Batch to_batch) {
  static_assert(std::is_invocable_v<Step &, typename module_cache<Make>::holder &, const batch &>,
                "a libtorch step is called as step(module, batch): the factory's module (by "
                "reference) and a const gradlaws::libtorch::batch &");
  auto cache = std::make_shared<module_cache<Make>>(std::move(make));
  Subject s(std::move(name));
  auto bind = [&]<class T>(T) {
    s.template set<T>([cache, step, to_batch](const model &m, const vec<T> &theta, const mat<T> &x,
                                              const mat<T> &y, const auto &how) -> vec<T> {
      auto &h = cache->template get<T>(m);
      const batch b = to_batch(m, x, y, how, T{});
      return gradients_after<T>(module_of(h), m, theta, stale_seed(x), [&] { step(h, b); });
    });
  };
  bind(float{});
  bind(double{});
  s.supports(merged(std::move(declared), module_cache<Make>::takes_model));
  s.computes_with(libtorch_functions());
  return s;
}

/// Runs rank(r, group) in R forked processes joined by a c10d Gloo process group over a file
/// store, and returns what each rank returned (its gradients after the step). Throws
/// gradlaws::error naming the rank for a rank that failed, and when the ranks do not finish
/// within `seconds` (a rank waiting in a collective the others never reached).
std::vector<std::vector<double>>
run_on_ranks(int world, const std::function<std::vector<double>(int, ::c10d::ProcessGroup &)> &rank,
             int seconds = 60);
/// The gradient every rank holds after a data-parallel step; throws gradlaws::error when two
/// ranks disagree (replicas that diverged).
std::vector<double> agreed_gradient(const std::vector<std::vector<double>> &per_rank);
} // namespace detail

/// A data-parallel step on real processes: the layout's groups are the shards of R ranks (an
/// empty one is an idle rank); each rank is a process of its own, with its own module built
/// by the factory, joined to the others by libtorch's c10d Gloo process group. step(module,
/// shard, group) runs on every rank with that rank's shard (batch::group) and all-reduces
/// through `group` as the user's code does; gradlaws reads the gradients the ranks agree on.
template <class Make, class Step>
pipeline_subject make_replica_subject(std::string name, Make make, Step step,
                                      capabilities declared = {}) {
  using holder = typename detail::module_cache<Make>::holder;
  static_assert(std::is_invocable_v<Step &, holder &, const batch &, ::c10d::ProcessGroup &>,
                "a replica step is called as step(module, shard, process group)");
  pipeline_subject s(std::move(name));
  auto bind = [&]<class T>(T) {
    s.template set<T>([make, step](const model &m, const vec<T> &theta, const mat<T> &x,
                                   const mat<T> &y, const layout &l) -> vec<T> {
      const batch whole = detail::pipeline_batch<T>(m, x, y, l);
      const auto per_rank = detail::run_on_ranks(
          int(l.groups.size()), [&](int rank, ::c10d::ProcessGroup &group) {
            Make factory = make;
            holder h = detail::build(factory, m);
            detail::module_of(h).to(dtype_of<T>());
            const batch shard = whole.group(std::size_t(rank));
            const vec<double> g = detail::gradients_after<double>(
                detail::module_of(h), m, theta, stale_seed(x), [&] { step(h, shard, group); });
            return std::vector<double>(g.data(), g.data() + g.size());
          });
      const std::vector<double> g = detail::agreed_gradient(per_rank);
      vec<T> out(Eigen::Index(g.size()));
      for (std::size_t k = 0; k < g.size(); ++k) out[Eigen::Index(k)] = T(g[k]);
      return out;
    });
  };
  bind(float{});
  bind(double{});
  s.supports(detail::merged(std::move(declared), detail::module_cache<Make>::takes_model));
  s.computes_with(detail::libtorch_functions());
  return s;
}

/// A gradient subject from a module factory and a step: make(const model &) (any model; e.g.
/// sequential) or make() (one architecture: give capabilities::fixed_model, e.g. model_of()),
/// and step(module, batch) that leaves ∇_θ J in the parameters' .grad, J = batch::objective.
template <class Make, class Step>
gradient_subject make_gradient_subject(std::string name, Make make, Step step,
                                       capabilities declared = {}) {
  return detail::make_subject<gradient_subject>(
      std::move(name), std::move(make), std::move(step), std::move(declared),
      []<class T>(const model &m, const mat<T> &x, const mat<T> &y, const reduction &r, T) {
        return detail::gradient_batch<T>(m, x, y, r);
      });
}

/// A pipeline subject: step(module, batch) leaves in .grad the gradient of the mean loss over
/// the items that count (batch::mask), however it walks batch::groups (micro-batches with
/// accumulation, replica shards, sequences).
template <class Make, class Step>
pipeline_subject make_pipeline_subject(std::string name, Make make, Step step,
                                       capabilities declared = {}) {
  return detail::make_subject<pipeline_subject>(
      std::move(name), std::move(make), std::move(step), std::move(declared),
      []<class T>(const model &m, const mat<T> &x, const mat<T> &y, const layout &l, T) {
        return detail::pipeline_batch<T>(m, x, y, l);
      });
}

} // namespace gradlaws::libtorch
