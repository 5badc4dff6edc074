// The cost of the precision ladder (DESIGN.md section 3): one batch gradient of a fixed MLP on
// a fixed batch of small dyadic examples, on every rung, and the other ways of computing the
// same gradient (mean of per-example passes, the reverse-mode oracle). After the usual Google
// Benchmark output the program prints a table of each result as a ratio against double,
// measured in the same process (DESIGN.md section 7).
//
//   gradlaws_bench_ladder [--benchmark_filter=REGEX] [--benchmark_repetitions=N]
//                         [--benchmark_out=FILE --benchmark_out_format=json]
//
// Names: ladder/<activation>/<rung> is gradient<T> (one batched forward and backward pass);
// strategy/<activation>/<rung>/<strategy> is mean_of_example_gradients or oracle_gradient.

#include "collecting_reporter.hpp"

#include <gradlaws/backprop.hpp>
#include <gradlaws/oracle.hpp>
#include <gradlaws/problem.hpp>
#include <gradlaws/scalar.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace gl = gradlaws;

namespace {

constexpr std::size_t input_dim = 4, output_dim = 2, batch = 8;
const std::vector<std::size_t> widths = {16, 16};

/// A small dyadic value in [-1, 1] with denominator `den`, from a deterministic pattern.
gl::exact dyadic(int k, int modulus, int den) {
  return gl::exact((k % modulus) - modulus / 2) / gl::exact(den);
}

/// MLP 4 → 16 → 16 → 2 under MSE, θ in multiples of 1/16 in [-1/2, 1/2], X in quarters in
/// [-1, 1], Y in halves in [-1, 1]: every value is dyadic, so every rung starts from the same
/// numbers (double and float represent them exactly).
gl::problem make_problem(const std::string &act) {
  gl::model m = gl::make_mlp(input_dim, widths, {act, act}, output_dim, "mse");
  gl::vec<gl::exact> theta(static_cast<Eigen::Index>(m.parameter_count()));
  for (Eigen::Index k = 0; k < theta.size(); ++k) theta[k] = dyadic(int(k) * 37 + 11, 17, 16);
  gl::mat<gl::exact> x(static_cast<Eigen::Index>(input_dim), static_cast<Eigen::Index>(batch));
  gl::mat<gl::exact> y(static_cast<Eigen::Index>(output_dim), static_cast<Eigen::Index>(batch));
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = dyadic(int(i * 5 + j * 3 + 1), 9, 4);
    for (Eigen::Index i = 0; i < y.rows(); ++i) y(i, j) = dyadic(int(i * 7 + j * 2), 5, 2);
  }
  gl::problem p{std::move(m), std::move(theta), std::move(x), std::move(y), gl::rung::exact};
  p.validate();
  return p;
}

const gl::problem &relu_problem() {
  static const gl::problem p = make_problem("relu");
  return p;
}
const gl::problem &sigmoid_problem() {
  static const gl::problem p = make_problem("sigmoid");
  return p;
}

enum class strategy { batched, mean_of_examples, oracle };

template <class T> gl::vec<T> compute(strategy s, const gl::problem &p, const gl::lifted<T> &in) {
  switch (s) {
  case strategy::batched:
    return gl::gradient<T>(p.m, in.theta, in.x, in.y);
  case strategy::mean_of_examples:
    return gl::mean_of_example_gradients<T>(p.m, in.theta, in.x, in.y);
  case strategy::oracle:
    if constexpr (std::is_same_v<T, gl::exact> || std::is_same_v<T, gl::high>)
      return gl::oracle_gradient<T>(p.m, in.theta, in.x, in.y);
    else
      throw std::logic_error("the oracle runs on the exact and high rungs only");
  }
  throw std::logic_error("unknown strategy");
}

/// Times one way of computing ∇J on rung T. digits > 0 sets the working precision of the
/// high and interval rungs for the whole benchmark, including lifting the inputs.
template <class T>
void bm_gradient(benchmark::State &state, const gl::problem *p, int digits, strategy s) {
  std::optional<gl::precision_scope> scope;
  if (digits > 0) scope.emplace(digits);
  const gl::lifted<T> in = gl::lift<T>(*p);
  for (auto _ : state) {
    gl::vec<T> g = compute<T>(s, *p, in);
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  state.counters["parameters"] = double(p->m.parameter_count());
  state.counters["examples"] = double(p->batch_size());
  if (digits > 0) state.SetLabel(std::to_string(digits) + " digits");
}

struct row {
  std::string name;     ///< benchmark name
  std::string act;      ///< activation of the problem
  std::string rung;     ///< as printed
  std::string baseline; ///< the double benchmark it is a ratio to
  std::string batched;  ///< the batched gradient on the same rung (strategy rows)
};
std::vector<row> rows;

template <class T>
void add(const std::string &act, const std::string &rung, int digits, strategy s = strategy::batched) {
  const gl::problem *p = act == "relu" ? &relu_problem() : &sigmoid_problem();
  const std::string ladder = "ladder/" + act + "/" + rung;
  std::string name = ladder;
  if (s == strategy::mean_of_examples) name = "strategy/" + act + "/" + rung + "/mean_of_examples";
  if (s == strategy::oracle) name = "strategy/" + act + "/" + rung + "/oracle";
  benchmark::RegisterBenchmark(name.c_str(), bm_gradient<T>, p, digits, s)
      ->Unit(benchmark::kMicrosecond);
  rows.push_back({name, act, rung, "ladder/" + act + "/double", s == strategy::batched ? "" : ladder});
}

void register_all() {
  // The rational rungs on a ReLU MLP (every rung runs it) ...
  add<double>("relu", "double", 0);
  add<float>("relu", "float", 0);
  add<gl::exact>("relu", "exact", 0);
  add<gl::high>("relu", "high50", 50);
  add<gl::high>("relu", "high100", 100);
  add<gl::interval>("relu", "interval50", 50);
  add<gl::interval>("relu", "interval100", 100);
  // ... and the transcendental comparison on a sigmoid MLP (no exact rung).
  add<double>("sigmoid", "double", 0);
  add<float>("sigmoid", "float", 0);
  add<gl::high>("sigmoid", "high50", 50);
  add<gl::high>("sigmoid", "high100", 100);
  add<gl::interval>("sigmoid", "interval50", 50);
  add<gl::interval>("sigmoid", "interval100", 100);
  // Strategies on the same problems: N isolated per-example passes, and the reverse-mode
  // oracle (one recorded forward pass and one sweep back for all parameters).
  add<double>("relu", "double", 0, strategy::mean_of_examples);
  add<gl::exact>("relu", "exact", 0, strategy::mean_of_examples);
  add<gl::exact>("relu", "exact", 0, strategy::oracle);
  add<gl::high>("relu", "high50", 50, strategy::mean_of_examples);
  add<gl::high>("relu", "high50", 50, strategy::oracle);
  add<double>("sigmoid", "double", 0, strategy::mean_of_examples);
  add<gl::high>("sigmoid", "high50", 50, strategy::mean_of_examples);
  add<gl::high>("sigmoid", "high50", 50, strategy::oracle);
}

/// The timed computations must compute the same thing: on dyadic inputs the ReLU gradient is
/// exact in double, and the three strategies agree exactly on the exact rung.
void sanity_check() {
  const gl::problem &p = relu_problem();
  const auto e = gl::lift<gl::exact>(p);
  const gl::vec<gl::exact> g = gl::gradient<gl::exact>(p.m, e.theta, e.x, e.y);
  if (g != gl::mean_of_example_gradients<gl::exact>(p.m, e.theta, e.x, e.y))
    throw std::runtime_error("sanity check: batched and mean of per-example gradients differ");
  const auto d = gl::lift<double>(p);
  const gl::vec<double> gd = gl::gradient<double>(p.m, d.theta, d.x, d.y);
  for (Eigen::Index k = 0; k < g.size(); ++k)
    if (gl::from_exact<double>(g[k]) != gd[k])
      throw std::runtime_error("sanity check: the double gradient is not the exact one");
  std::size_t nonzero = 0;
  for (Eigen::Index k = 0; k < g.size(); ++k) nonzero += g[k] != 0;
  std::printf("problem: %s; θ has %zu parameters (%zu with a nonzero gradient), batch of %zu\n",
              p.m.describe().c_str(), std::size_t(p.m.parameter_count()), nonzero,
              p.batch_size());
}

void print_table(const std::map<std::string, gradlaws_bench::result> &results) {
  std::printf("\nRatios to double (CPU time per gradient, same process; "
              "strategy rows also as a ratio to the batched gradient on their rung)\n\n");
  std::printf("%-8s %-12s %-17s %16s %16s %11s\n", "model", "rung", "strategy",
              "ns per gradient", "ratio to double", "vs batched");
  auto time_of = [&](const std::string &name) -> double {
    auto it = results.find(name);
    return it == results.end() || !it->second.error.empty() ? 0.0 : it->second.ns;
  };
  for (const row &r : rows) {
    auto it = results.find(r.name);
    if (it == results.end()) continue; // filtered out
    const std::string strat = r.batched.empty() ? "batched" : r.name.substr(r.name.rfind('/') + 1);
    if (!it->second.error.empty()) {
      std::printf("%-8s %-12s %-17s  error: %s\n", r.act.c_str(), r.rung.c_str(), strat.c_str(),
                  it->second.error.c_str());
      continue;
    }
    const double ns = it->second.ns, base = time_of(r.baseline);
    const double batched = r.batched.empty() ? 0.0 : time_of(r.batched);
    char ratio[32] = "-", vs[32] = "";
    if (base > 0) std::snprintf(ratio, sizeof ratio, "%.1f", ns / base);
    if (batched > 0) std::snprintf(vs, sizeof vs, "%.1f", ns / batched);
    else if (!r.batched.empty()) std::snprintf(vs, sizeof vs, "-");
    std::printf("%-8s %-12s %-17s %16.0f %16s %11s\n", r.act.c_str(), r.rung.c_str(),
                strat.c_str(), ns, ratio, vs);
  }
  std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv) {
  try {
    sanity_check();
    register_all();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "gradlaws_bench_ladder: %s\n", e.what());
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  gradlaws_bench::collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);
  print_table(reporter.results());
  return 0;
}
