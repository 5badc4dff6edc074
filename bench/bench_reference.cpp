// The reference law, timed case by case: the gradient of the batch's mean loss by one batched
// pass equals the mean of the per-example gradients, on an MLP 4 → 4 → 4 → 1 (sigmoid hidden
// layers, MSE), a batch of 8, θ and the data k/4 for random k in [-8, 8]. One case is what a
// law run does for one generated input: draw it, and judge the two sides on a rung.
//
//   gradlaws_bench_reference [--benchmark_filter=REGEX] [--benchmark_repetitions=N]
//
// Names:
//   reference/high50/full_verdict   draw + judge_high at 50 digits (the confirmation at 75
//                                   digits included: for an identity that is the evaluation)
//   reference/high50/sides          draw + both sides at 50 digits, no verdict
//   reference/exact/full_verdict    the same law on a ReLU MLP, exact rationals, ==
//   reference/double/sides          draw + both sides in double, compared bitwise
//   floor/sides75, floor/sides50    the arithmetic floor: the same operations (σ kept from the
//                                   forward pass) through plain MPFR calls on variables
//                                   allocated once, no bookkeeping at all
// After the Google Benchmark output the program prints cases per second, the stage breakdown
// and achieved / floor, all measured in this run.

#include "collecting_reporter.hpp"

#include <gradlaws/backprop.hpp>
#include <gradlaws/judge.hpp>
#include <gradlaws/problem.hpp>

#include <benchmark/benchmark.h>
#include <mpfr.h>

#include <array>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

namespace gl = gradlaws;

namespace {

constexpr int n_in = 4, n_hidden = 4, n_out = 1, batch = 8;
constexpr int n_params = n_hidden * n_in + n_hidden + n_hidden * n_hidden + n_hidden + n_out * n_hidden + n_out;

/// Integers k in [-8, 8] for θ, X and Y: the case is k/4 of each.
struct draw {
  std::array<int, n_params> theta;
  std::array<int, n_in * batch> x;
  std::array<int, n_out * batch> y;
};

struct drawer {
  std::mt19937_64 rng{20261202};
  std::uniform_int_distribution<int> k{-8, 8};
  draw next() {
    draw d;
    for (int &v : d.theta) v = k(rng);
    for (int &v : d.x) v = k(rng);
    for (int &v : d.y) v = k(rng);
    return d;
  }
};

const gl::model &reference_model(const std::string &act) {
  static const gl::model sigmoid = gl::make_mlp(n_in, {n_hidden, n_hidden}, {"sigmoid", "sigmoid"}, n_out, "mse");
  static const gl::model relu = gl::make_mlp(n_in, {n_hidden, n_hidden}, {"relu", "relu"}, n_out, "mse");
  return act == "relu" ? relu : sigmoid;
}

gl::problem to_problem(const draw &d, const gl::model &m) {
  gl::vec<gl::exact> theta(n_params);
  gl::mat<gl::exact> x(n_in, batch), y(n_out, batch);
  // k/4, made with shifts as the generators make their dyadics (gen::dyadic), in place
  for (int k = 0; k < n_params; ++k) gl::set_dyadic(theta[k], d.theta[k], 2);
  for (int j = 0; j < batch; ++j) {
    for (int i = 0; i < n_in; ++i) gl::set_dyadic(x(i, j), d.x[j * n_in + i], 2);
    for (int i = 0; i < n_out; ++i) gl::set_dyadic(y(i, j), d.y[j * n_out + i], 2);
  }
  return {m, std::move(theta), std::move(x), std::move(y), gl::rung::high};
}

template <class T> gl::sides<T> both_sides(const gl::problem &p) {
  const gl::lifted<T> l = gl::lift<T>(p);
  return {gl::gradient<T>(p.m, l.theta, l.x, l.y), gl::mean_of_example_gradients<T>(p.m, l.theta, l.x, l.y)};
}

// ---------------------------------------------------------------------------------------------
// The floor: both sides of one case through plain MPFR on variables allocated once.

class floor_kernel {
public:
  explicit floor_kernel(int digits) {
    const auto bits = mpfr_prec_t(std::ceil(digits * 3.321928094887362)) + 1; // as precision_scope
    auto init = [&](auto &arr) { for (auto &v : arr) mpfr_init2(v, bits); };
    init(theta_); init(x_); init(y_); init(z1_); init(a1_); init(z2_); init(a2_); init(d1_);
    init(d2_); init(batched_); init(example_); init(mean_); init(t_); init(s_);
    mpfr_inits2(bits, e_, yhat_, c_, scale_, dist_, (mpfr_ptr) nullptr);
  }
  ~floor_kernel() {
    auto clear = [](auto &arr) { for (auto &v : arr) mpfr_clear(v); };
    clear(theta_); clear(x_); clear(y_); clear(z1_); clear(a1_); clear(z2_); clear(a2_);
    clear(d1_); clear(d2_); clear(batched_); clear(example_); clear(mean_); clear(t_); clear(s_);
    mpfr_clears(e_, yhat_, c_, scale_, dist_, (mpfr_ptr) nullptr);
  }
  floor_kernel(const floor_kernel &) = delete;
  floor_kernel &operator=(const floor_kernel &) = delete;

  /// Both sides and their relative distance; returns the distance as a double.
  double run(const draw &d) {
    for (int k = 0; k < n_params; ++k) mpfr_set_si_2exp(theta_[k], d.theta[k], -2, MPFR_RNDN);
    for (int k = 0; k < n_in * batch; ++k) mpfr_set_si_2exp(x_[k], d.x[k], -2, MPFR_RNDN);
    for (int k = 0; k < n_out * batch; ++k) mpfr_set_si_2exp(y_[k], d.y[k], -2, MPFR_RNDN);
    // Left: the batch's mean loss, each example's error weighted 1/N, summed into one gradient.
    mpfr_set_ui(c_, 1, MPFR_RNDN);
    mpfr_div_ui(c_, c_, batch, MPFR_RNDN);
    for (auto &g : batched_) mpfr_set_zero(g, 1);
    for (int i = 0; i < batch; ++i) example(i, batched_.data());
    // Right: N isolated examples (weight 1), then their mean.
    mpfr_set_ui(c_, 1, MPFR_RNDN);
    for (auto &g : mean_) mpfr_set_zero(g, 1);
    for (int i = 0; i < batch; ++i) {
      for (auto &g : example_) mpfr_set_zero(g, 1);
      example(i, example_.data());
      for (int k = 0; k < n_params; ++k) mpfr_add(mean_[k], mean_[k], example_[k], MPFR_RNDN);
    }
    for (auto &g : mean_) mpfr_div_ui(g, g, batch, MPFR_RNDN);
    // max_k |a_k - b_k| / max(‖a‖∞, ‖b‖∞, 1)
    mpfr_set_ui(scale_, 1, MPFR_RNDN);
    mpfr_set_zero(dist_, 1);
    for (int k = 0; k < n_params; ++k) {
      mpfr_sub(t_[0], batched_[k], mean_[k], MPFR_RNDN);
      if (mpfr_cmpabs(t_[0], dist_) > 0) mpfr_abs(dist_, t_[0], MPFR_RNDN);
      if (mpfr_cmpabs(batched_[k], scale_) > 0) mpfr_abs(scale_, batched_[k], MPFR_RNDN);
      if (mpfr_cmpabs(mean_[k], scale_) > 0) mpfr_abs(scale_, mean_[k], MPFR_RNDN);
    }
    mpfr_div(dist_, dist_, scale_, MPFR_RNDN);
    return mpfr_get_d(dist_, MPFR_RNDN);
  }

  const mpfr_t &batched(int k) const { return batched_[std::size_t(k)]; }

private:
  static constexpr int w1 = 0, b1 = w1 + n_hidden * n_in, w2 = b1 + n_hidden,
                       b2 = w2 + n_hidden * n_hidden, w3 = b2 + n_hidden, b3 = w3 + n_out * n_hidden;

  /// z = b + W a for one example, W rows × cols row-major at theta_[w].
  void affine(mpfr_t *z, int w, int b, const mpfr_t *a, int rows, int cols) {
    for (int r = 0; r < rows; ++r) {
      mpfr_set(z[r], theta_[b + r], MPFR_RNDN);
      for (int c = 0; c < cols; ++c) {
        mpfr_mul(t_[0], theta_[w + r * cols + c], a[c], MPFR_RNDN);
        mpfr_add(z[r], z[r], t_[0], MPFR_RNDN);
      }
    }
  }
  void sigmoid(mpfr_t *a, const mpfr_t *z, int n) {
    for (int r = 0; r < n; ++r) {
      mpfr_neg(t_[0], z[r], MPFR_RNDN);
      mpfr_exp(t_[0], t_[0], MPFR_RNDN);
      mpfr_add_ui(t_[0], t_[0], 1, MPFR_RNDN);
      mpfr_ui_div(a[r], 1, t_[0], MPFR_RNDN);
    }
  }
  /// Adds c·∇L_i into g (forward with σ kept, then backward).
  void example(int i, mpfr_t *g) {
    const mpfr_t *xi = &x_[std::size_t(i * n_in)];
    affine(z1_.data(), w1, b1, xi, n_hidden, n_in);
    sigmoid(a1_.data(), z1_.data(), n_hidden);
    affine(z2_.data(), w2, b2, a1_.data(), n_hidden, n_hidden);
    sigmoid(a2_.data(), z2_.data(), n_hidden);
    affine(&yhat_, w3, b3, a2_.data(), n_out, n_hidden);
    // e = c · ∂L/∂ŷ = c · (-2)(y - ŷ)
    mpfr_sub(e_, y_[std::size_t(i)], yhat_, MPFR_RNDN);
    mpfr_mul_si(e_, e_, -2, MPFR_RNDN);
    mpfr_mul(e_, e_, c_, MPFR_RNDN);
    // Output layer: ∂W3 += e a2ᵀ, ∂b3 += e, d2 = (W3ᵀ e) ⊙ a2 (1 - a2).
    for (int k = 0; k < n_hidden; ++k) {
      mpfr_mul(t_[0], e_, a2_[k], MPFR_RNDN);
      mpfr_add(g[w3 + k], g[w3 + k], t_[0], MPFR_RNDN);
      mpfr_mul(t_[0], theta_[w3 + k], e_, MPFR_RNDN);
      mpfr_ui_sub(s_[0], 1, a2_[k], MPFR_RNDN);
      mpfr_mul(s_[0], s_[0], a2_[k], MPFR_RNDN);
      mpfr_mul(d2_[k], t_[0], s_[0], MPFR_RNDN);
    }
    mpfr_add(g[b3], g[b3], e_, MPFR_RNDN);
    // Hidden layer 2: ∂W2 += d2 a1ᵀ, ∂b2 += d2, d1 = (W2ᵀ d2) ⊙ a1 (1 - a1).
    for (int r = 0; r < n_hidden; ++r) {
      for (int c = 0; c < n_hidden; ++c) {
        mpfr_mul(t_[0], d2_[r], a1_[c], MPFR_RNDN);
        mpfr_add(g[w2 + r * n_hidden + c], g[w2 + r * n_hidden + c], t_[0], MPFR_RNDN);
      }
      mpfr_add(g[b2 + r], g[b2 + r], d2_[r], MPFR_RNDN);
    }
    for (int c = 0; c < n_hidden; ++c) {
      mpfr_set_zero(s_[1], 1);
      for (int r = 0; r < n_hidden; ++r) {
        mpfr_mul(t_[0], theta_[w2 + r * n_hidden + c], d2_[r], MPFR_RNDN);
        mpfr_add(s_[1], s_[1], t_[0], MPFR_RNDN);
      }
      mpfr_ui_sub(s_[0], 1, a1_[c], MPFR_RNDN);
      mpfr_mul(s_[0], s_[0], a1_[c], MPFR_RNDN);
      mpfr_mul(d1_[c], s_[1], s_[0], MPFR_RNDN);
    }
    // Hidden layer 1: ∂W1 += d1 xᵀ, ∂b1 += d1.
    for (int r = 0; r < n_hidden; ++r) {
      for (int c = 0; c < n_in; ++c) {
        mpfr_mul(t_[0], d1_[r], xi[c], MPFR_RNDN);
        mpfr_add(g[w1 + r * n_in + c], g[w1 + r * n_in + c], t_[0], MPFR_RNDN);
      }
      mpfr_add(g[b1 + r], g[b1 + r], d1_[r], MPFR_RNDN);
    }
  }

  std::array<mpfr_t, n_params> theta_, batched_, example_, mean_;
  std::array<mpfr_t, n_in * batch> x_;
  std::array<mpfr_t, n_out * batch> y_;
  std::array<mpfr_t, n_hidden> z1_, a1_, z2_, a2_, d1_, d2_;
  std::array<mpfr_t, 1> t_;
  std::array<mpfr_t, 2> s_;
  mpfr_t e_, yhat_, c_, scale_, dist_;
};

// ---------------------------------------------------------------------------------------------
// Benchmarks

/// CPU time of this thread, in nanoseconds.
double thread_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
}

void bm_full_verdict_high(benchmark::State &state) {
  drawer dr;
  const gl::model &m = reference_model("sigmoid");
  long lower_evaluations = 0, cases = 0;
  double t_draw = 0, t_magnitude = 0, t_sides = 0, t_total = 0;
  for (auto _ : state) {
    const double t0 = thread_ns();
    const gl::problem p = to_problem(dr.next(), m);
    const double t1 = thread_ns();
    const double magnitude = p.magnitude();
    const double t2 = thread_ns();
    int evaluations = 0;
    double in_sides = 0;
    gl::tolerances tol;
    tol.values_of_equal_sides = false; // as the law harness judges: a case that holds is not shown
    const gl::verdict v = gl::judge_high("batched", "mean of examples", 50, p.operations(), [&] {
      ++evaluations;
      const double s0 = thread_ns();
      gl::sides<gl::high> s = both_sides<gl::high>(p);
      in_sides += thread_ns() - s0;
      return s;
    }, tol, magnitude);
    const double t3 = thread_ns();
    if (!v.equal()) state.SkipWithError("the reference law failed: a false alarm");
    lower_evaluations += evaluations - 1;
    ++cases;
    t_draw += t1 - t0;
    t_magnitude += t2 - t1;
    t_sides += in_sides;
    t_total += t3 - t0;
  }
  state.counters["cases_evaluated_at_50_too"] = double(lower_evaluations);
  state.counters["stage_draw_ns"] = t_draw / double(cases);
  state.counters["stage_magnitude_ns"] = t_magnitude / double(cases);
  state.counters["stage_sides_ns"] = t_sides / double(cases);
  state.counters["stage_verdict_ns"] = (t_total - t_draw - t_magnitude - t_sides) / double(cases);
}

template <class T> void bm_sides(benchmark::State &state, const char *act, int digits) {
  drawer dr;
  const gl::model &m = reference_model(act);
  std::optional<gl::precision_scope> scope;
  if (digits > 0) scope.emplace(digits);
  for (auto _ : state) {
    const gl::problem p = to_problem(dr.next(), m);
    const gl::sides<T> s = both_sides<T>(p);
    benchmark::DoNotOptimize(s.lhs.data());
  }
}

void bm_exact_full_verdict(benchmark::State &state) {
  gl::tolerances as_the_harness;
  as_the_harness.values_of_equal_sides = false; // as the law harness judges: a case that holds is never shown
  drawer dr;
  const gl::model &m = reference_model("relu");
  for (auto _ : state) {
    const gl::problem p = to_problem(dr.next(), m);
    const gl::verdict v = gl::judge_exact("batched", "mean of examples", both_sides<gl::exact>(p), as_the_harness);
    if (!v.equal()) state.SkipWithError("the reference law failed on the exact rung");
  }
}

void bm_double_sides(benchmark::State &state) {
  drawer dr;
  const gl::model &m = reference_model("sigmoid");
  long bitwise_equal = 0;
  for (auto _ : state) {
    const gl::problem p = to_problem(dr.next(), m);
    const gl::sides<double> s = both_sides<double>(p);
    bitwise_equal += s.lhs == s.rhs;
  }
  state.counters["bitwise_equal"] = double(bitwise_equal);
}

void bm_floor(benchmark::State &state, int digits) {
  drawer dr;
  floor_kernel k(digits);
  for (auto _ : state) benchmark::DoNotOptimize(k.run(dr.next())); // the same cases as the law
}

/// Before timing: the floor computes what the engine computes (within 75-digit rounding).
void check_floor_against_engine() {
  drawer dr;
  const draw d = dr.next();
  floor_kernel k(75);
  k.run(d);
  const gl::precision_scope scope(75);
  const gl::problem p = to_problem(d, reference_model("sigmoid"));
  const gl::sides<gl::high> s = both_sides<gl::high>(p);
  for (int i = 0; i < n_params; ++i) {
    gl::high f;
    mpfr_set(f.backend().data(), k.batched(i), MPFR_RNDN);
    if (abs(f - s.lhs[i]) > pow(gl::high(10), -70))
      throw std::runtime_error("the floor kernel and the engine disagree at parameter " + std::to_string(i));
  }
}

} // namespace

int main(int argc, char **argv) {
  check_floor_against_engine();
  benchmark::RegisterBenchmark("reference/high50/full_verdict", bm_full_verdict_high)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("reference/high50/sides", bm_sides<gl::high>, "sigmoid", 50)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("reference/exact/full_verdict", bm_exact_full_verdict)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("reference/double/sides", bm_double_sides)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("floor/sides75", bm_floor, 75)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("floor/sides50", bm_floor, 50)->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  gradlaws_bench::collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const auto results = reporter.results();
  auto ns = [&](const std::string &name) {
    const auto it = results.find(name);
    return it == results.end() || !it->second.error.empty() ? 0.0 : it->second.ns;
  };
  auto rate = [](double t) { return t > 0 ? 1e9 / t : 0.0; };
  std::printf("\nThe reference law: MLP 4 → 4 → 4 → 1, batch 8, θ and data k/4 (cases per second, one core)\n\n");
  std::printf("| case | µs per case | cases/s |\n|---|---:|---:|\n");
  for (const char *name : {"reference/high50/full_verdict", "reference/high50/sides", "reference/exact/full_verdict",
                           "reference/double/sides", "floor/sides75", "floor/sides50"})
    if (ns(name) > 0) std::printf("| %s | %.1f | %.0f |\n", name, ns(name) / 1e3, rate(ns(name)));
  const double full = ns("reference/high50/full_verdict");
  if (const auto it = results.find("reference/high50/full_verdict"); it != results.end() && full > 0) {
    const auto &c = it->second.counters;
    auto counter = [&](const char *name) { const auto f = c.find(name); return f == c.end() ? 0.0 : double(f->second); };
    std::printf("\nA full-verdict case at 50 digits, by stage (CPU time inside the benchmark loop):\n\n"
                "| stage | µs | share |\n|---|---:|---:|\n");
    const double stages = counter("stage_draw_ns") + counter("stage_magnitude_ns") +
                          counter("stage_sides_ns") + counter("stage_verdict_ns");
    for (const auto &[stage, key] : {std::pair{"draw the case (exact θ, X, Y)", "stage_draw_ns"},
                                     {"magnitude (a double forward pass)", "stage_magnitude_ns"},
                                     {"both sides at 75 digits (the confirming evaluation)", "stage_sides_ns"},
                                     {"distance and verdict", "stage_verdict_ns"}})
      std::printf("| %s | %.1f | %.0f%% |\n", stage, counter(key) / 1e3, 100 * counter(key) / stages);
    std::printf("\ncases that needed the 50-digit evaluation too: %.0f\n", counter("cases_evaluated_at_50_too"));
  }
  if (full > 0 && ns("floor/sides75") > 0)
    std::printf("\nachieved / floor: %.2f (the floor: both sides at 75 digits through plain MPFR, "
                "%.1f µs; a full-verdict case %.1f µs)\n", ns("floor/sides75") / full,
                ns("floor/sides75") / 1e3, full / 1e3);
  return 0;
}
