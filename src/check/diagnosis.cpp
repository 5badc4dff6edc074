#include "gradlaws/diagnosis.hpp"

#include "gradlaws/layer.hpp"

#include <cmath>

namespace gradlaws {

namespace {

/// The probe: Dense(N→1) under the linear loss, example i the unit vector e_i, target 0, θ = 0.
struct probe {
  model m;
  mat<exact> x, y;
};
probe make_probe(std::size_t n) {
  model m(n, {std::make_shared<dense>(n, 1)}, find_loss("linear"));
  mat<exact> x = mat<exact>::Zero(Eigen::Index(n), Eigen::Index(n));
  for (std::size_t i = 0; i < n; ++i) x(Eigen::Index(i), Eigen::Index(i)) = 1;
  return {std::move(m), std::move(x), mat<exact>::Zero(1, Eigen::Index(n))};
}

/// The fraction nearest to v with denominator at most `limit` (continued fractions).
exact nearest_fraction(double v, long limit) {
  long p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  double r = v;
  for (int step = 0; step < 64; ++step) {
    const double a = std::floor(r);
    const long p2 = long(a) * p1 + p0, q2 = long(a) * q1 + q0;
    if (q2 > limit) break;
    p0 = p1; q0 = q1; p1 = p2; q1 = q2;
    if (std::abs(r - a) < 1e-15) break;
    r = 1 / (r - a);
  }
  return exact(p1, q1);
}

} // namespace

weight_diagnosis diagnose_weights(const pipeline_subject &s, const layout &l,
                                  std::optional<strategy_family> family) {
  weight_diagnosis d;
  const std::size_t n = l.size();
  d.correct = correct_weights(l);
  try {
    const probe p = make_probe(n);
    if (const std::string why = s.supported().refuses(p.m); !why.empty()) {
      d.unavailable = "the probe (" + p.m.describe() + ") is outside what the subject supports: " +
                      why;
      return d;
    }
    const vec<exact> theta = vec<exact>::Zero(Eigen::Index(p.m.parameter_count()));
    vec<exact> g;
    if (s.runs_on<exact>()) {
      g = s.on<exact>()(p.m, theta, p.x, p.y, l);
    } else if (s.runs_on<double>()) {
      const vec<double> gd = s.on<double>()(p.m, lift<double>(theta), lift<double>(p.x),
                                            lift<double>(p.y), l);
      g.resize(gd.size());
      for (Eigen::Index k = 0; k < gd.size(); ++k) {
        if (!std::isfinite(gd[k])) throw error("the probe's gradient is not finite");
        g[k] = nearest_fraction(gd[k], 10000);
        if (std::abs(g[k].convert_to<double>() - gd[k]) > 1e-9 * std::max(1.0, std::abs(gd[k])))
          throw error("the probe's gradient " + to_string(gd[k], 17) +
                      " is not a fraction with a small denominator");
      }
    } else {
      throw error("the subject runs neither on exact values nor on double");
    }
    if (g.size() != Eigen::Index(n + 1))
      throw dimension_error("the probe's gradient has " + std::to_string(g.size()) +
                            " entries; the probe model has " + std::to_string(n + 1));
    exact total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      d.given.push_back(-g[Eigen::Index(i)]);
      total += d.given.back();
    }
    if (-g[Eigen::Index(n)] != total) {
      d.unavailable = "the gradient is not a reweighting of per-example gradients (the bias "
                      "gradient is " + to_string(exact(-g[Eigen::Index(n)])) +
                      ", the weights sum to " + to_string(total) + ")";
      return d;
    }
    for (const strategy *st : strategies()) {
      if (family && st->info().family != *family && st->info().family != strategy_family::batch)
        continue;
      try {
        if (st->weights(l) == d.given) d.matches.emplace_back(st->name(), st->info().description);
      } catch (const std::exception &) { // the strategy does not take this layout
      }
    }
  } catch (const std::exception &e) {
    d.given.clear();
    d.unavailable = std::string("the probe could not run: ") + e.what();
  }
  return d;
}

namespace {
/// −∂/∂W of the probe's gradient: the weights a batch-gradient subject gives under r.
std::vector<exact> probed_weights(const gradient_subject &s, std::size_t n, const reduction &r) {
  const probe p = make_probe(n);
  const vec<exact> theta = vec<exact>::Zero(Eigen::Index(p.m.parameter_count()));
  vec<exact> g;
  if (s.runs_on<exact>()) {
    g = s.on<exact>()(p.m, theta, p.x, p.y, r);
  } else {
    const vec<double> gd = s.on<double>()(p.m, lift<double>(theta), lift<double>(p.x), lift<double>(p.y), r);
    g.resize(gd.size());
    for (Eigen::Index k = 0; k < gd.size(); ++k) g[k] = nearest_fraction(gd[k], 10000);
  }
  std::vector<exact> w;
  for (std::size_t i = 0; i < n; ++i) w.push_back(-g[Eigen::Index(i)]);
  return w;
}
} // namespace

std::vector<std::pair<std::string, std::string>> diagnose_reduction(const gradient_subject &s,
                                                                    std::size_t n) {
  std::vector<exact> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = exact(long(i + 1));
  const std::vector<std::pair<std::string, reduction>> asked{
      {"the mean", reduction::mean()}, {"the sum", reduction::sum()},
      {"the weighted mean with w = " + weights_string(w), reduction::weighted(w)}};
  // Conventions a wrong result may have: each reduction's own weights, and w_i/N.
  std::vector<std::pair<std::string, std::vector<exact>>> known;
  for (const auto &[name, r] : asked) known.emplace_back(name + "'s weights", r.coefficients(n));
  std::vector<exact> over_n;
  for (const exact &x : w) over_n.push_back(x / exact(long(n)));
  known.emplace_back("w_i/N: the weighted sum divided by N instead of Σw", over_n);
  try {
    for (const auto &[name, r] : asked) {
      const std::vector<exact> correct = r.coefficients(n), given = probed_weights(s, n, r);
      if (given == correct) continue;
      std::string named = "no reduction's weights";
      for (const auto &[what, k] : known)
        if (k == given) {
          named = what;
          break;
        }
      return {{"weights given (probed, " + name + ")", weights_string(given)},
              {"correct weights", weights_string(correct)},
              {"diagnosis", "asked for " + name + ", it gives " + named}};
    }
  } catch (const std::exception &) {
    return {};
  }
  return {{"diagnosis", "the mean's, the sum's and a weighted mean's weights are all right on the "
                        "probe: the error is not one of weighting (a batch-coupled computation, "
                        "or a wrong per-example gradient)"}};
}

std::vector<std::pair<std::string, std::string>> diagnosis_details(const weight_diagnosis &d) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!d.given.empty()) out.emplace_back("weights given (probed)", weights_string(d.given));
  out.emplace_back("correct weights", weights_string(d.correct));
  if (!d.unavailable.empty()) {
    out.emplace_back("diagnosis", d.unavailable);
  } else if (d.given == d.correct) {
    out.emplace_back("diagnosis", "the weights are correct: the difference is not one of "
                                  "weighting (a batch-coupled computation, or rounding)");
  } else if (d.matches.empty()) {
    out.emplace_back("diagnosis", "no registered convention gives these weights");
  } else {
    std::string names;
    for (const auto &[name, what] : d.matches) names += (names.empty() ? "" : "; ") + name + ": " + what;
    out.emplace_back("matches", names);
  }
  return out;
}

} // namespace gradlaws
