#include "clipping_cases.hpp"
#include "cases.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace gradlaws::props {

std::vector<exact> uniform_weights(std::size_t n) {
  return std::vector<exact>(n, exact(1) / exact(long(n)));
}

namespace {

std::string gradients_string(const std::vector<vec<exact>> &g) {
  std::string s = "{";
  for (std::size_t i = 0; i < g.size(); ++i) s += (i ? ", " : "") + to_string(g[i]);
  return s + "}";
}

exact l1_norm(const vec<exact> &v) {
  exact s(0);
  for (const exact &x : v) s += x < 0 ? exact(-x) : x;
  return s;
}

/// ‖v‖₂ to 6 significant digits.
std::string norm_text(const vec<exact> &v) {
  const precision_scope scope(30);
  return to_significant(norm_of(lift<high>(v)), 6);
}

bool beyond(const vec<exact> &v, const exact &threshold) {
  return squared_norm(v) > threshold * threshold;
}

} // namespace

std::string clipping_case::describe() const {
  std::string s = "C      " + to_string(threshold) + "\ng      " + gradients_string(g);
  if (!sizes.empty()) s += "\nsplit  micro-batch sizes " + tuple_string(sizes);
  if (!order.empty()) s += "\norder  " + tuple_string(order);
  if (scale != 1) s += "\nS      " + to_string(scale) + " (the loss scale)";
  if (epsilon != 0) s += "\nε      " + to_string(epsilon) + " (added to the norm by the subject)";
  if (rotation)
    s += "\nQ      the rotation with cos " + to_string(rotation->c) + ", sin " +
         to_string(rotation->s) + " in the plane of components " + std::to_string(rotation->j) +
         " and " + std::to_string(rotation->k);
  return s;
}

std::vector<std::pair<std::string, std::string>> clipping_case::details() const {
  std::vector<std::pair<std::string, std::string>> out;
  const auto norms = [&](const std::vector<vec<exact>> &v, const exact &factor) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const vec<exact> scaled = v[i] * factor;
      s += (i ? ", " : "") + norm_text(scaled) + (beyond(scaled, threshold) ? " (clipped)" : "");
    }
    return s;
  };
  out.emplace_back("norms ‖g_i‖ against C = " + to_string(threshold), norms(g, exact(1)));
  if (!sizes.empty())
    out.emplace_back("norms of the micro-batch gradients", norms(micro_batch_means<exact>(*this), exact(1)));
  if (scale != 1) out.emplace_back("norms of the scaled gradients S·g_i", norms(g, scale));
  return out;
}

std::vector<figure> clipping_case::figures() const {
  if (g.empty() || dimension() > 2 || rotation || scale != 1) return {};
  const precision_scope scope(30);
  const bool micro = !sizes.empty();
  // What is clipped, and the weights of the mean: the examples, or the micro-batches.
  std::vector<exact> weights = uniform_weights(g.size());
  std::vector<vec<exact>> vectors = g;
  if (micro) {
    vectors = micro_batch_means<exact>(*this);
    weights = shares_of(sizes);
  }
  const std::string v = micro ? "∇J_" : "g_";
  const high c = from_exact<high>(threshold);
  const bool flat = dimension() == 1;
  // In one dimension the rows are the vectors (y = 2), the clipped ones (y = 1), the means (0).
  const auto point = [flat](const vec<high> &x, double row) {
    return std::pair{x[0].convert_to<double>(), flat ? row : x[1].convert_to<double>()};
  };
  figure f;
  f.name = "clipping-geometry";
  f.title = micro ? "Clipping each micro-batch is not clipping their sum"
                  : "Clipping each gradient is not clipping their mean";
  f.caption = std::string(flat ? "Each row is one step on the line of the gradients: the " : "The ") +
              (micro ? "micro-batch gradients" : "gradients") +
              ", clipped at C (each one beyond C is pulled back to it), and the two answers: the " +
              (micro ? "accumulated clipped micro-batch gradients" : "mean of the clipped gradients") +
              " and the clipped " + (micro ? "accumulated gradient" : "mean gradient") +
              ". They are different points unless nothing is clipped.";
  f.x_label = "component 1";
  f.y_label = flat ? "vectors (2), clipped (1), the two answers (0)" : "component 2";
  const double cd = c.convert_to<double>();
  figure::series edge{.label = "‖g‖ = C = " + to_string(threshold), .style = figure::mark::dashed};
  if (flat) { // the band |g| ≤ C, open at the bottom
    edge.x = {-cd, -cd, cd, cd};
    edge.y = {-0.5, 2.5, 2.5, -0.5};
  } else {
    for (int k = 0; k <= 96; ++k) {
      edge.x.push_back(cd * std::cos(2 * std::numbers::pi * k / 96));
      edge.y.push_back(cd * std::sin(2 * std::numbers::pi * k / 96));
    }
  }
  f.data.push_back(std::move(edge));
  const figure::mark style = flat ? figure::mark::points : figure::mark::arrows;
  figure::series raw{.label = micro ? "the micro-batch gradients" : "the gradients", .style = style};
  figure::series clipped{.label = "clipped", .style = style};
  std::vector<vec<high>> clipped_values;
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const vec<high> x = lift<high>(vectors[i]);
    const std::string name = v + std::to_string(i + 1);
    const auto [rx, ry] = point(x, 2);
    raw.x.push_back(rx), raw.y.push_back(ry), raw.point_labels.push_back(name);
    clipped_values.push_back(clip_by_norm(c, x));
    const auto [cx, cy] = point(clipped_values.back(), 1);
    clipped.x.push_back(cx), clipped.y.push_back(cy), clipped.point_labels.push_back("clip(" + name + ")");
  }
  f.data.push_back(std::move(raw));
  f.data.push_back(std::move(clipped));
  const auto [mx, my] = point(weighted_sum(clipped_values, weights), 0);
  const auto [cx, cy] = point(clip_by_norm(c, weighted_sum(lift_all<high>(vectors), weights)), 0);
  f.data.push_back({.label = micro ? "accumulated clipped gradients" : "mean of the clipped gradients",
                    .style = figure::mark::points, .x = {mx}, .y = {my},
                    .point_labels = {micro ? "clip each" : "mean of clipped"}});
  f.data.push_back({.label = micro ? "the clipped accumulated gradient" : "the clipped mean gradient",
                    .style = figure::mark::points, .x = {cx}, .y = {cy},
                    .point_labels = {micro ? "clip once" : "clipped mean"}});
  return {f};
}

namespace {

/// Thresholds, simplest first: the shrinker moves towards C = 1.
rc::Gen<exact> threshold() {
  static const std::vector<exact> values{exact(1),     exact(2), exact(1, 2), exact(3),
                                         exact(4),     exact(1, 4), exact(3, 2), exact(5),
                                         exact(8),     exact(3, 4)};
  return simplest_first(values);
}

/// n gradients of d components, lo_n ≤ n ≤ hi_n and lo_d ≤ d ≤ hi_d. RapidCheck shrinks the
/// picks of a case in order and never returns to one it has passed, so the values come first:
/// hi_n gradients of hi_d components, then (with `sizes`) whether each joins the previous
/// one's micro-batch (shrinking towards micro-batches of one example), then whether each is
/// kept (shrinking towards dropping it, wherever it is), then d.
std::vector<vec<exact>> draw_gradients(std::size_t lo_n, std::size_t hi_n, std::size_t lo_d,
                                       std::size_t hi_d, std::vector<std::size_t> *sizes = nullptr) {
  std::vector<vec<exact>> raw;
  for (std::size_t i = 0; i < hi_n; ++i) raw.push_back((*gen::columns(hi_d, 1)).col(0));
  // The micro-batch boundaries before the examples kept: they shrink first, towards a cut
  // everywhere, which keeps most witnesses failing while examples are dropped after.
  std::vector<bool> joins;
  if (sizes)
    for (std::size_t i = 0; i + 1 < hi_n; ++i) joins.push_back(*rc::gen::inRange(0, 4) == 3); // 1 in 4 joins
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < hi_n; ++i)
    if (lo_n == hi_n || *rc::gen::arbitrary<bool>()) kept.push_back(i);
  for (std::size_t i = 0; kept.size() < lo_n; ++i) // too few kept: the first ones are
    if (std::find(kept.begin(), kept.end(), i) == kept.end()) kept.insert(std::upper_bound(kept.begin(), kept.end(), i), i);
  if (sizes) {
    sizes->assign(1, 1);
    for (std::size_t i = 1; i < kept.size(); ++i) {
      if (joins[i - 1]) ++sizes->back();
      else sizes->push_back(1);
    }
  }
  const auto d = Eigen::Index(*gen::count(lo_d, hi_d));
  std::vector<vec<exact>> g;
  // Each gradient is folded to d components: the last kept one takes the ℓ1 norm of itself and
  // the dropped ones (with its sign), so a gradient beyond the threshold stays beyond it as d
  // shrinks.
  for (std::size_t i : kept) {
    vec<exact> v = raw[i].head(d);
    exact tail(0);
    for (Eigen::Index j = d - 1; j < raw[i].size(); ++j) tail += raw[i][j] < 0 ? exact(-raw[i][j]) : raw[i][j];
    v[d - 1] = raw[i][d - 1] < 0 ? exact(-tail) : tail;
    g.push_back(std::move(v));
  }
  return g;
}

/// The smallest power of two at least the subject's ε (0 for none): a margin that keeps a
/// norm inside the threshold for a rule that adds ε to it.
exact epsilon_margin(const variant &v) {
  const double eps = v.within ? v.within->clipping_epsilon : 0;
  if (!(eps > 0)) return exact(0);
  return exact(std::ldexp(1.0, int(std::ceil(std::log2(eps))))); // a double converts exactly
}

/// A threshold at least `reach` (and positive) plus the margin: every norm ≤ ℓ1 ≤ reach is inside.
exact threshold_beyond(const exact &reach, const exact &margin) {
  const exact extra = *gen::nonnegative_dyadic();
  const exact c = reach + extra + margin;
  return c > 0 ? c : exact(1) + margin;
}

exact max_l1(const std::vector<vec<exact>> &g, const exact &factor = exact(1)) {
  exact m(0);
  for (const vec<exact> &v : g) m = std::max(m, l1_norm(v) * factor);
  return m;
}

} // namespace

namespace {
/// A generator of clipping cases on the variant's rung (or `fallback`): `draw(c, margin)` fills
/// the case, with the margin that keeps a norm inside the threshold for the subject's ε.
template <class Draw> rc::Gen<clipping_case> clipping_gen(const variant &v, rung fallback, Draw draw) {
  const rung on = v.rung_or(fallback);
  const exact margin = epsilon_margin(v);
  const exact eps(v.within ? v.within->clipping_epsilon : 0.0); // a double converts exactly
  return rc::gen::exec([on, margin, eps, draw] {
    clipping_case c;
    c.on = on;
    c.epsilon = eps;
    draw(c, margin);
    return c;
  });
}

/// Loss scales as mixed-precision training uses them: powers of two from 2, shrinking to 2.
rc::Gen<exact> loss_scale() {
  static const std::vector<exact> values{exact(2), exact(4), exact(8), exact(1024), exact(65536)};
  return simplest_first(values);
}
} // namespace

rc::Gen<clipping_case> clipping_batches(const variant &v) {
  return clipping_gen(v, rung::high, [](clipping_case &c, const exact &) {
    c.threshold = *threshold();
    c.g = draw_gradients(1, 4, 1, 3);
  });
}

rc::Gen<clipping_case> clipping_batches_within(const variant &v) {
  return clipping_gen(v, rung::exact, [](clipping_case &c, const exact &margin) {
    c.g = draw_gradients(1, 4, 1, 3);
    c.threshold = threshold_beyond(max_l1(c.g), margin);
  });
}

rc::Gen<clipping_case> clipping_micro_batches(const variant &v) {
  return clipping_gen(v, rung::high, [](clipping_case &c, const exact &) {
    c.threshold = *threshold();
    c.g = draw_gradients(1, 4, 1, 3, &c.sizes);
  });
}

rc::Gen<clipping_case> clipping_micro_batches_within(const variant &v) {
  return clipping_gen(v, rung::exact, [](clipping_case &c, const exact &margin) {
    c.g = draw_gradients(1, 4, 1, 3, &c.sizes);
    // The full batch's mean is a convex combination of the micro-batch gradients: inside too.
    c.threshold = threshold_beyond(max_l1(micro_batch_means<exact>(c)), margin);
  });
}

rc::Gen<clipping_case> clipping_permuted(const variant &v) {
  return clipping_gen(v, rung::high, [](clipping_case &c, const exact &) {
    c.threshold = *threshold();
    c.g = draw_gradients(1, 4, 1, 3);
    c.order = *gen::permutation(c.g.size());
  });
}

rc::Gen<clipping_case> clipping_beyond(const variant &v) {
  return clipping_gen(v, rung::high, [](clipping_case &c, const exact &) {
    c.g = draw_gradients(1, 1, 1, 3);
    vec<exact> &g = c.g.front();
    exact largest(0);
    for (const exact &x : g) largest = std::max(largest, x < 0 ? exact(-x) : x);
    if (largest == 0) g[0] = largest = exact(1);
    static const std::vector<exact> fractions{exact(1, 2), exact(1, 4), exact(3, 4)};
    c.threshold = largest * *simplest_first(fractions); // ‖g‖ ≥ largest > C
  });
}

rc::Gen<clipping_case> clipping_rotated(const variant &v) {
  return clipping_gen(v, rung::high, [](clipping_case &c, const exact &) {
    c.threshold = *threshold();
    c.g = draw_gradients(1, 1, 2, 3);
    static const std::vector<std::pair<long, long>> legs{{3, 4}, {4, 3}, {5, 12}, {8, 15}};
    const auto [a, b] = *simplest_first(legs);
    const long hyp = a == 3 || a == 4 ? 5 : (a == 5 ? 13 : 17);
    const bool flip = *rc::gen::arbitrary<bool>();
    plane_rotation q;
    q.j = *gen::count(0, c.dimension() - 2);
    q.k = *gen::count(q.j + 1, c.dimension() - 1);
    q.c = exact(a, hyp);
    q.s = flip ? exact(-b, hyp) : exact(b, hyp);
    c.rotation = q;
  });
}

rc::Gen<clipping_case> clipping_scaled(const variant &v) {
  return clipping_gen(v, rung::high, [](clipping_case &c, const exact &) {
    c.threshold = *threshold();
    c.g = draw_gradients(1, 1, 1, 3);
    c.scale = *loss_scale();
  });
}

rc::Gen<clipping_case> clipping_scaled_within(const variant &v) {
  return clipping_gen(v, rung::exact, [](clipping_case &c, const exact &margin) {
    c.g = draw_gradients(1, 1, 1, 3);
    c.scale = *loss_scale();
    c.threshold = threshold_beyond(max_l1(c.g, c.scale), margin);
  });
}

} // namespace gradlaws::props
