#pragma once
// Results made by hand, independent of the catalogue: every kind of outcome a report shows
// (held, falsified, refuted, not refuted, gave up, setup failure; exact, high, interval and
// machine verdicts; figures, one that cannot be drawn; strings with quotes, newlines, '|',
// Markdown's own characters and non-ASCII), each with its entry's family and boundary.

#include <gradlaws/catalogue.hpp>

#include <limits>
#include <string>
#include <vector>

namespace synthetic {

struct result_in_family {
  gradlaws::run_result result;
  std::string family, boundary;
};

inline gradlaws::run_result base(std::string entry, std::string variant, gradlaws::entry_kind kind,
                                 std::string formula) {
  gradlaws::run_result r;
  r.entry = std::move(entry);
  r.variant = std::move(variant);
  r.kind = kind;
  r.formula = std::move(formula);
  r.claim = "the claim of " + r.entry;
  r.test_name = std::string(kind == gradlaws::entry_kind::fallacy ? "fallacy_" : "law_") + r.entry + "." + r.variant;
  r.seed = 17219367378627955090ull;
  r.seconds = 0.125;
  return r;
}

inline gradlaws::verdict high_verdict(gradlaws::verdict_kind kind) {
  gradlaws::verdict v;
  v.lhs_name = "σ′ at the mean";
  v.rhs_name = "mean of σ′(z_i)";
  v.on = gradlaws::rung::high;
  v.digits = 50;
  v.kind = kind;
  v.lhs = {"0.2350037122015944890693029985783231"};
  v.rhs = {"0.2233059666204652644307022693470470"};
  v.difference = {"0.0116977"};
  v.distance = gradlaws::magnitude{4.97765, -2};
  v.floor = gradlaws::rounding_floor{.operations = 12, .scale = 2.5, .digits = 50, .value = {3.0, -48}};
  v.confirmed = gradlaws::confirmation{.digits = 75, .distance = {4.97765, -2}, .floor = {3.0, -73},
                                       .found = gradlaws::confirmation::finding::did_not_shrink};
  return v;
}

inline gradlaws::verdict interval_certificate() {
  gradlaws::verdict v;
  v.lhs_name = "σ′ at the mean";
  v.rhs_name = "mean of σ′(z_i)";
  v.on = gradlaws::rung::interval;
  v.digits = 50;
  v.kind = gradlaws::verdict_kind::certified_different;
  v.disjoint_component = 0;
  return v;
}

inline gradlaws::figure jensen_figure() {
  gradlaws::figure f;
  f.name = "jensen-gap";
  f.title = "Jensen's gap: σ′ at the mean is not the mean of σ′";
  f.caption = "the mean of σ′(z_i) ≈ 0.22331 lies below σ′ at the mean z̄ ≈ 0.23500";
  f.x_label = "z";
  f.y_label = "σ′(z)";
  f.data.push_back({.label = "σ′", .style = gradlaws::figure::mark::line, .x = {-1, 0, 0.5, 1, 2},
                    .y = {0.196612, 0.25, 0.235004, 0.196612, 0.104994}});
  f.data.push_back({.label = "witness z_i", .style = gradlaws::figure::mark::points, .x = {0, 1},
                    .y = {0.25, 0.196612}, .point_labels = {"z_1", "z_2"}});
  return f;
}

inline gradlaws::verdict machine_verdict() {
  gradlaws::verdict v;
  v.lhs_name = "batched gradient in double";
  v.rhs_name = "per-example gradients averaged in double";
  v.on = gradlaws::rung::machine;
  v.kind = gradlaws::verdict_kind::different;
  v.format = "double";
  v.lhs = {"0.30000000000000004", "1"};
  v.rhs = {"0.3", "1"};
  v.difference = {"5.55e-17", "0"};
  v.rounding.push_back({.side = "batched", .exact = {"3/10", "1"}, .component = 0, .error = 5.551115123125783e-17,
                        .bound = 1.1102230246251565e-16, .ulp = 5.551115123125783e-17});
  v.rounding.push_back({.side = "per-example", .exact = {"3/10", "1"}, .component = 1, .error = 0,
                        .bound = std::numeric_limits<double>::infinity(), .ulp = 2.220446049250313e-16});
  v.law = gradlaws::law_evidence{.component = 0, .difference = 5.551115123125783e-17,
                                 .lhs_bound = 1.1102230246251565e-17, .rhs_bound = 5.551115123125783e-18,
                                 .ulp = 5.551115123125783e-17};
  v.functions.push_back({.function = "gelu", .format = "double", .ulps = 31, .at = -3.25, .evaluations = 12});
  return v;
}

/// The linearity law over three variants, one of them broken.
inline void linearity(std::vector<result_in_family> &out) {
  using namespace gradlaws;
  const std::string f = "∇_θ (1/N) Σ_i L_i(θ) = (1/N) Σ_i ∇_θ L_i(θ)";
  run_result a = base("linearity", "relu_exact", entry_kind::law, f);
  a.status = run_status::held, a.passed = true, a.cases = 100, a.tally = "100 exactly equal";
  run_result b = base("linearity", "sigmoid_high", entry_kind::law, f);
  b.status = run_status::held, b.passed = true, b.cases = 100;
  b.inaccurate_cases = 3;
  b.accuracy.push_back({.function = "softsign′", .format = "float", .ulps = 16, .at = 0.75, .evaluations = 40});
  b.tally = "60 equal to working precision, 40 exactly equal";
  run_result c = base("linearity", "tanh_high", entry_kind::law, f);
  c.status = run_status::falsified, c.cases = 7, c.shrinks = 3;
  c.counterexample = "model  1 → 1, tanh\nθ      [1/2, -1]\nbatch  x = [0, 1], y = [1, 0]";
  c.found = high_verdict(verdict_kind::different);
  c.reproduce = "RC_PARAMS=\"reproduce=BchVaYW5\"";
  c.explanation = "a planted bug: the batch pass forgot 1/N";
  c.details = {{"weights given", "[1, 1]"}, {"correct weights", "[1/2, 1/2]"}};
  for (run_result *r : {&a, &b, &c}) out.push_back({*r, "linearity", ""});
}

/// The activation fallacy, refuted on two variants, and its boundary law.
inline void derivative_at_mean(std::vector<result_in_family> &out) {
  using namespace gradlaws;
  const std::string f = "σ′((1/N) Σ_i z_i) = (1/N) Σ_i σ′(z_i)";
  run_result s = base("derivative_at_mean", "sigmoid_high", entry_kind::fallacy, f);
  s.status = run_status::falsified, s.passed = true, s.cases = 18, s.shrinks = 2;
  s.counterexample = "activation  sigmoid (σ(z) = 1/(1+e^-z))\nz           [0, 1]   [N = 2, rung high]";
  s.found = high_verdict(verdict_kind::different);
  s.certificate = interval_certificate();
  s.expected_shape = "two pre-activations, |z| ≤ 1";
  s.explanation = "σ′ is not affine, so it does not commute with the mean (Jensen's gap)";
  s.reproduce = "RC_PARAMS=\"reproduce=AbC\"";
  s.details = {{"a | in a value", "line one\nline two"}, {"*stars* and `ticks`", "<b>&</b>"}};
  s.figures = {jensen_figure()};
  run_result c = base("derivative_at_mean", "cube_exact", entry_kind::fallacy, f);
  c.status = run_status::falsified, c.passed = true, c.cases = 3, c.shrinks = 1;
  c.counterexample = "z  [0, 1]";
  c.found = high_verdict(verdict_kind::different);
  c.found->on = rung::exact, c.found->lhs = {"3/4"}, c.found->rhs = {"3/2"}, c.found->difference = {"-3/4"};
  c.found->distance.reset(), c.found->floor.reset(), c.found->confirmed.reset();
  c.expected_shape = "two pre-activations";
  c.regression = "TEST(Regression, CubeAtTheMean) {\n  EXPECT_NE(3 * 0.25, 1.5); // \"σ′\"\n}\n";
  run_result q = base("derivative_at_mean_quadratic", "square_exact", entry_kind::boundary_law,
                      "σ′ affine ⇒ σ′((1/N) Σ_i z_i) = (1/N) Σ_i σ′(z_i)");
  q.status = run_status::held, q.passed = true, q.cases = 100, q.tally = "100 exactly equal";
  const std::string family = "averaging before the nonlinearity";
  out.push_back({s, family, "derivative_at_mean_quadratic"});
  out.push_back({c, family, "derivative_at_mean_quadratic"});
  out.push_back({q, family, "derivative_at_mean"});
}

/// What else can happen: a fallacy not refuted, a wrong shape, gave up, a setup failure, a
/// machine verdict, a picture that cannot be drawn, a law of the user's own family.
inline void other_outcomes(std::vector<result_in_family> &out) {
  using namespace gradlaws;
  run_result n = base("accumulation_mean_of_means", "exact", entry_kind::fallacy,
                      "(1/K) Σ_k ∇J_k = ∇J,   J_k = (1/n_k) Σ_{i∈k} L_i");
  n.status = run_status::held, n.cases = 100, n.expected_shape = "sizes (1, 2)";
  run_result w = base("gradient_at_mean_example", "linear_regression", entry_kind::fallacy,
                      "∇L(θ; x̄, ȳ) = (1/N) Σ_i ∇L(θ; x_i, y_i)");
  w.status = run_status::falsified, w.cases = 2, w.shrinks = 1, w.counterexample = "x  [0, 1, 2]";
  w.shape_problem = "three examples, expected two", w.expected_shape = "two examples";
  w.found = machine_verdict();
  w.figures = {jensen_figure()};
  w.figures[0].name = "broken";
  w.figures[0].data[0].y[1] = std::numeric_limits<double>::quiet_NaN();
  run_result g = base("float_batching_bitwise_boundary", "dyadic", entry_kind::boundary_law,
                      "inputs k/4, N ∈ {1, 2, 4} ⇒ fl(∇J) = fl((1/N) Σ_i ∇L_i)");
  g.status = run_status::gave_up, g.message = "the generator discarded 1000 cases";
  run_result u = base("my_law", "mine", entry_kind::law, "backward(U + V) = backward(U) + backward(V)");
  u.status = run_status::setup_failure, u.message = "unknown activation 'sigmoidd' (*known*: `relu`, σ)";
  u.rerun = "./my_tests --gtest_filter=Mine.*";
  run_result h = base("nonlinear_reduction_affine", "affine", entry_kind::law, "∇(2J + 1) = (1/N) Σ_i ∇(2L_i + 1)");
  h.status = run_status::held, h.passed = true, h.cases = 50, h.tally = "50 exactly equal";
  h.figures = {jensen_figure()};
  h.figures[0].name = "held-picture";
  out.push_back({n, "accumulation", "accumulation_equal_sizes"});
  out.push_back({w, "averaging before the model", ""});
  out.push_back({g, "floating point", "float_batching_bitwise"});
  out.push_back({u, "my family", ""});
  out.push_back({h, "reductions", ""});
}

inline std::vector<result_in_family> results() {
  std::vector<result_in_family> out;
  linearity(out);
  derivative_at_mean(out);
  other_outcomes(out);
  return out;
}

} // namespace synthetic
