#pragma once
// A console reporter that also keeps every run, so a benchmark program can print its own
// summary table (ratios against a baseline measured in the same process) after the usual
// Google Benchmark output. --benchmark_out still writes the JSON file as usual.

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <map>
#include <string>
#include <vector>

namespace gradlaws_bench {

/// One benchmark's result: CPU time per iteration in nanoseconds (the median when the run was
/// repeated, else the mean of its repetitions), its label and counters.
struct result {
  double ns = 0;
  double real_ns = 0;
  long long iterations = 0;
  std::string label;
  std::string error;
  benchmark::UserCounters counters;
};

class collecting_reporter : public benchmark::ConsoleReporter {
public:
  collecting_reporter()
      : benchmark::ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run> &runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    for (const Run &r : runs) {
      // Keyed by the registered name, without /iterations:1, /real_time and the like.
      const std::string &name = r.run_name.function_name;
      auto &acc = pending_[name];
      if (r.error_occurred) {
        acc.error = r.error_message;
        continue;
      }
      const double scale = 1e9 / benchmark::GetTimeUnitMultiplier(r.time_unit);
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") {
          acc.median = r.GetAdjustedCPUTime() * scale;
          acc.median_real = r.GetAdjustedRealTime() * scale;
          acc.counters = r.counters; // the medians of the counters too
        }
        continue;
      }
      acc.sum += r.GetAdjustedCPUTime() * scale;
      acc.sum_real += r.GetAdjustedRealTime() * scale;
      acc.count += 1;
      acc.iterations += r.iterations;
      acc.label = r.report_label;
      acc.counters = r.counters;
    }
  }

  /// Every benchmark that ran, by its registered name.
  std::map<std::string, result> results() const {
    std::map<std::string, result> out;
    for (const auto &[name, acc] : pending_) {
      result r;
      r.error = acc.error;
      r.label = acc.label;
      r.counters = acc.counters;
      r.iterations = acc.iterations;
      if (acc.median > 0) {
        r.ns = acc.median;
        r.real_ns = acc.median_real;
      } else if (acc.count > 0) {
        r.ns = acc.sum / acc.count;
        r.real_ns = acc.sum_real / acc.count;
      }
      out.emplace(name, std::move(r));
    }
    return out;
  }

private:
  struct accumulator {
    double sum = 0, sum_real = 0, median = 0, median_real = 0;
    int count = 0;
    long long iterations = 0;
    std::string label, error;
    benchmark::UserCounters counters;
  };
  std::map<std::string, accumulator> pending_;
};

} // namespace gradlaws_bench
