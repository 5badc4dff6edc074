// Time to run each catalogue entry once at default settings (gradlaws::run_options{}: the
// case budget and precision ctest uses), one benchmark per entry and variant. A fallacy's time
// includes finding its counterexample and shrinking it. Each runs exactly one iteration, so
// running the whole catalogue is bounded; select entries with --benchmark_filter, e.g.
//
//   gradlaws_bench_catalogue --benchmark_filter='catalogue/fallacy_'
//
// Names: catalogue/<kind>_<entry>.<variant> (the CTest test name). The program iterates
// whatever is registered in the catalogue when it starts.

#include "collecting_reporter.hpp"

#include <gradlaws/catalogue.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

namespace gl = gradlaws;

namespace {

struct row {
  std::string name, entry, variant;
  gl::entry_kind kind;
};
std::vector<row> rows;

void bm_entry(benchmark::State &state, const gl::entry *e, std::string variant) {
  gl::run_result r;
  for (auto _ : state) {
    try {
      r = e->run(variant, gl::run_options{});
    } catch (const std::exception &ex) {
      state.SkipWithError(("threw: " + std::string(ex.what())).c_str());
      return;
    }
    benchmark::DoNotOptimize(r.passed);
  }
  state.SetLabel(std::string(gl::to_string(r.status)) + (r.passed ? "" : ", NOT PASSED"));
  state.counters["passed"] = r.passed ? 1 : 0;
  state.counters["cases"] = r.cases;
  state.counters["shrinks"] = r.shrinks;
}

std::size_t register_all() {
  for (const gl::entry *e : gl::catalogue()) {
    for (const std::string &v : e->variants()) {
      std::string name = "catalogue/" + gl::test_name(*e, v);
      benchmark::RegisterBenchmark(name.c_str(), bm_entry, e, v)
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
      rows.push_back({std::move(name), e->name, v, e->kind});
    }
  }
  return rows.size();
}

void print_table(const std::map<std::string, gradlaws_bench::result> &results) {
  std::printf("\nOne run of each catalogue entry at default settings (wall and CPU time; a "
              "fallacy's time includes finding and shrinking its counterexample)\n\n");
  std::size_t width = 5;
  for (const row &r : rows)
    if (results.count(r.name)) width = std::max(width, r.entry.size() + 1 + r.variant.size());
  std::printf("%-12s %-*s %-10s %6s %7s %10s %10s  %s\n", "kind", int(width), "entry",
              "status", "cases", "shrinks", "wall ms", "CPU ms", "passed");
  double total = 0, cpu_total = 0, worst = 0;
  std::string worst_name;
  int ran = 0, failed = 0;
  for (const row &r : rows) {
    auto it = results.find(r.name);
    if (it == results.end()) continue; // filtered out
    const auto &res = it->second;
    const std::string label = r.entry + "." + r.variant;
    ++ran;
    if (!res.error.empty()) {
      ++failed;
      std::printf("%-12s %-*s error: %s\n", std::string(gl::to_string(r.kind)).c_str(),
                  int(width), label.c_str(), res.error.c_str());
      continue;
    }
    auto counter = [&](const char *k) {
      auto c = res.counters.find(k);
      return c == res.counters.end() ? 0.0 : double(c->second);
    };
    const bool passed = counter("passed") != 0;
    failed += !passed;
    const double ms = res.real_ns / 1e6;
    total += ms;
    cpu_total += res.ns / 1e6;
    if (ms > worst) worst = ms, worst_name = label;
    std::string status = res.label.substr(0, res.label.find(','));
    std::printf("%-12s %-*s %-10s %6.0f %7.0f %10.2f %10.2f  %s\n",
                std::string(gl::to_string(r.kind)).c_str(), int(width), label.c_str(),
                status.c_str(), counter("cases"), counter("shrinks"), ms, res.ns / 1e6,
                passed ? "yes" : "NO");
  }
  std::printf("\n%d runs, %.2f s wall (%.2f s CPU) in all; slowest %s at %.1f ms wall; "
              "%d not passed\n",
              ran, total / 1e3, cpu_total / 1e3, worst_name.empty() ? "-" : worst_name.c_str(),
              worst, failed);
  std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::size_t n = 0;
  try {
    n = register_all();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "gradlaws_bench_catalogue: listing the catalogue: %s\n", e.what());
    return 1;
  }
  if (n == 0) std::printf("the catalogue is empty: nothing to time\n");
  gradlaws_bench::collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);
  print_table(reporter.results());
  return 0;
}
