// A user's subject checked on each rung: check() of gradlaws's own backprop, written generically
// over the scalar and handed over as a user's subject of one fixed MLP, law linearity, the same
// cases on the high rung (50 digits), in double and in float (the machine rung: the subject's
// sides under their derived rounding bounds, each against its exact value). After the Google
// Benchmark output the program prints cases per second on each rung and the machine rung's
// cost as a ratio to the high rung's, measured in this run.
//
//   gradlaws_bench_user_check [--benchmark_filter=REGEX] [--benchmark_repetitions=N]
//
// Names: user_check/<parameters>/<variant>, one iteration = one check() of `cases` cases.

#include "collecting_reporter.hpp"

#include <gradlaws/checks.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

namespace gl = gradlaws;

namespace {

constexpr int cases = 200;

gl::gradient_subject generic_backprop() {
  return gl::make_gradient_subject(
      "backprop as a user's subject",
      []<class T>(const gl::model &m, const gl::vec<T> &theta, const gl::mat<T> &x,
                  const gl::mat<T> &y, const gl::reduction &r) -> gl::vec<T> {
        return gl::gradient<T>(m, theta, x, y, r);
      });
}

/// The two models: MLP 4 → 16 → 16 → 16 → 1 (641 parameters) and 8 → 32 → 32 → 16 → 2 (1,906),
/// tanh hidden layers, MSE.
gl::model model_of(bool large) {
  return large ? gl::make_mlp(8, {32, 32, 16}, {"tanh", "tanh", "tanh"}, 2, "mse")
               : gl::make_mlp(4, {16, 16, 16}, {"tanh", "tanh", "tanh"}, 1, "mse");
}

void bm_check(benchmark::State &state, bool large, std::string variant) {
  const gl::gradient_subject s = generic_backprop();
  gl::check_options o;
  gl::run_options r;
  r.cases = cases;
  r.seed = 1;
  o.run = r;
  o.laws = {"linearity"};
  o.variants = {variant};
  o.fixed_model = model_of(large);
  int ran = 0;
  for (auto _ : state) {
    const auto results = gl::check(s, o);
    if (results.size() != 1 || !results[0].passed) {
      state.SkipWithError(("linearity did not pass on " + variant).c_str());
      return;
    }
    ran = results[0].cases;
  }
  state.counters["cases"] = ran;
  state.counters["parameters"] = double(o.fixed_model->parameter_count());
}

void print_table(const std::map<std::string, gradlaws_bench::result> &results) {
  std::printf("\nUser's subject, law linearity, %d cases a check (CPU time):\n", cases);
  std::printf("  %-28s %12s %12s %16s\n", "benchmark", "cases/s", "ms/check", "× high's cost");
  for (const char *size : {"small", "large"}) {
    const auto high = results.find(std::string("user_check/") + size + "/high");
    for (const char *v : {"high", "double", "float"}) {
      const std::string name = std::string("user_check/") + size + "/" + v;
      const auto it = results.find(name);
      if (it == results.end() || it->second.ns <= 0) continue;
      const double ms = it->second.ns / 1e6;
      const double ratio = high != results.end() && high->second.ns > 0 ? it->second.ns / high->second.ns : 0;
      std::printf("  %-28s %12.1f %12.1f %16.2f\n", name.c_str(), cases / (ms / 1e3), ms, ratio);
    }
  }
  std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const bool large : {false, true})
    for (const char *v : {"high", "double", "float"})
      benchmark::RegisterBenchmark(
          (std::string("user_check/") + (large ? "large/" : "small/") + v).c_str(), bm_check,
          large, std::string(v))
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1);
  gradlaws_bench::collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  print_table(reporter.results());
  return 0;
}
