// Floating point: the batched gradient and the mean of per-example gradients are the same
// vector in exact arithmetic, but not bit for bit in float or double: the two sum the same
// terms in different orders, and each rounding depends on the order. The difference stays
// within the rounding bound; it vanishes when every intermediate result is representable.

#include "cases.hpp"

namespace gradlaws::props {
namespace {

/// The seed's linear regression on float or double inputs; its values are exact rationals, so
/// the float results can be compared exactly.
struct float_problem : problem {
  bool single = false; ///< float rather than double
  std::string describe() const {
    return problem::describe() + "\n" + std::string("format ") + (single ? "float" : "double") +
           " (inputs rounded to it; sides computed in it)";
  }
  /// Each side's error (against the exact gradient of the exact inputs) beside its running
  /// rounding bound, per parameter.
  std::vector<figure> figures() const {
    return single ? error_figure<float>() : error_figure<double>();
  }

private:
  template <class F> std::vector<figure> error_figure() const {
    using R = rounded<F>;
    const vec<R> th = lift<R>(theta);
    const mat<R> xr = lift<R>(x), yr = lift<R>(y);
    const vec<R> batched = gradient<R>(m, th, xr, yr);
    const vec<R> per_example = mean_of_example_gradients<R>(m, th, xr, yr);
    const vec<exact> truth = gradient<exact>(m, theta, x, y);
    figure f;
    f.name = "rounding";
    f.title = std::string("Each side's rounding error against its bound (") +
              (single ? "float" : "double") + ")";
    f.x_label = "parameter";
    f.y_label = "|computed − exact| and its bound";
    for (const auto &name : m.parameter_names()) f.categories.push_back(name);
    figure::series eb{.label = "batched: |error|", .style = figure::mark::bars};
    figure::series bb{.label = "batched: bound", .style = figure::mark::bars};
    figure::series ep{.label = "mean of per-example: |error|", .style = figure::mark::bars};
    figure::series bp{.label = "mean of per-example: bound", .style = figure::mark::bars};
    auto error_of = [&](const R &v, Eigen::Index k) {
      const exact d = exact(double(v.v)) - truth[k];
      return (d < 0 ? exact(-d) : d).template convert_to<double>();
    };
    for (Eigen::Index k = 0; k < truth.size(); ++k) {
      for (auto *s : {&eb, &bb, &ep, &bp}) s->x.push_back(double(k));
      eb.y.push_back(error_of(batched[k], k));
      bb.y.push_back(batched[k].e);
      ep.y.push_back(error_of(per_example[k], k));
      bp.y.push_back(per_example[k].e);
    }
    f.data = {eb, bb, ep, bp};
    f.caption = "Both sides are within their bounds of the exact gradient: the bits differ because "
                "the roundings differ, not because either side is wrong.";
    return {f};
  }
};

/// Values k/10 (most of them not representable in binary) or k/4 (representable), shrinking
/// towards 0.
rc::Gen<exact> values(bool decimal) {
  // 0, -1, 1, -2, 2, …: drawn from [0, 25), which shrinks towards 0.
  return rc::gen::map(rc::gen::inRange(0, 25), [decimal](int k) {
    const long v = k % 2 ? -long(k + 1) / 2 : long(k) / 2;
    return exact(v, decimal ? 10 : 4);
  });
}

rc::Gen<float_problem> float_problems(const variant &v, bool decimal) {
  const bool single = v.format == machine_format::float_format;
  return rc::gen::exec([single, decimal] {
    // Dyadic data stays exact only for N a power of two (the mean's 1/N is then exact too).
    const std::size_t n = decimal ? *rc::gen::inRange<std::size_t>(2, 5)
                                  : std::size_t(1) << *rc::gen::inRange(0, 3);
    vec<exact> theta(2);
    theta << *values(decimal), *values(decimal);
    mat<exact> x(1, Eigen::Index(n)), y(1, Eigen::Index(n));
    for (std::size_t i = 0; i < n; ++i) {
      x(0, Eigen::Index(i)) = *values(decimal);
      y(0, Eigen::Index(i)) = *values(decimal);
    }
    // The float results are compared exactly, on the exact rung.
    float_problem p{{linear_regression(), std::move(theta), std::move(x), std::move(y), rung::exact},
                    single};
    return p;
  });
}

/// Both sides computed in F by the subject, as exact rationals (every float is one).
template <class F, class T> sides<T> in_format(const gradient_subject &g, const float_problem &p) {
  const vec<F> theta = lift<F>(p.theta);
  const mat<F> x = lift<F>(p.x), y = lift<F>(p.y);
  const vec<F> batched = gradient<F>(p.m, theta, x, y, on<F>(g));
  const vec<F> per_example = mean_of_example_gradients<F>(p.m, theta, x, y, on<F>(g));
  const auto as_t = [](const vec<F> &v) {
    return vec<T>(v.unaryExpr([](const F &f) { return from_exact<T>(exact(double(f))); }));
  };
  return {as_t(batched), as_t(per_example)};
}

/// The witness must show rounding, not a bug: a value that float cannot represent, and a
/// difference within the running error bounds of the two sides.
std::string rounding_shape(const float_problem &p, const verdict &) {
  bool non_dyadic = false;
  const auto scan = [&](const auto &m) {
    for (Eigen::Index k = 0; k < m.size(); ++k) {
      const exact q = m.data()[k];
      auto d = mp::denominator(q);
      while (d % 2 == 0) d /= 2;
      non_dyadic = non_dyadic || d != 1;
    }
  };
  scan(p.theta);
  scan(p.x);
  scan(p.y);
  if (!non_dyadic) return "expected a value the format cannot represent (a decimal such as 1/10)";
  if (p.batch_size() > 3) return "expected at most three examples, got " + std::to_string(p.batch_size());
  const auto check = [&]<class F>() -> std::string {
    // Both sides again with running error bounds, from the exact (decimal) inputs: each side
    // is within its bound of the exact value, and the exact values are equal.
    using R = rounded<F>;
    const gradient_subject &g = backprop_subject();
    const vec<R> theta = lift<R>(p.theta);
    const mat<R> x = lift<R>(p.x), y = lift<R>(p.y);
    const sides<R> b{gradient<R>(p.m, theta, x, y, on<R>(g)),
                     mean_of_example_gradients<R>(p.m, theta, x, y, on<R>(g))};
    const sides<exact> s = in_format<F, exact>(backprop_subject(), p);
    for (Eigen::Index k = 0; k < s.lhs.size(); ++k) {
      const exact d = s.lhs[k] - s.rhs[k];
      if ((d < 0 ? exact(-d) : d).template convert_to<double>() > b.lhs[k].e + b.rhs[k].e)
        return "component " + std::to_string(k) + " differs by more than the two rounding bounds";
    }
    return "";
  };
  return p.single ? check.operator()<float>() : check.operator()<double>();
}

const auto float_sides = []<class T>(const gradient_subject &g, const float_problem &p) -> sides<T> {
  if constexpr (std::is_same_v<T, exact> || std::is_same_v<T, high> || std::is_same_v<T, interval>)
    return p.single ? in_format<float, T>(g, p) : in_format<double, T>(g, p);
  else
    throw unsupported_rung_error("the float sides are compared on the exact rung");
};

/// Double and float, as gradlaws's own engine computes in them (compared on the exact rung).
const law_domain machine_formats{.axis = variant_axis::rung, .rungs = {rung::machine}, .for_users = false};

const bool bitwise = register_fallacy(
    make_fallacy<gradient_subject, float_problem>(
        {.name = "float_batching_bitwise",
         .kind = entry_kind::fallacy,
         .family = "floating point",
         .claim = "in floating point, the batched gradient of the mean loss and the mean of the "
                  "per-example gradients are the same bits",
         .formula = "fl(∇ (1/N) Σ_i L_i) = fl((1/N) Σ_i ∇L_i)",
         .lhs = "batched backprop of J in the format",
         .rhs = "mean of per-example backprops in the format",
         .expected_shape = "at most three examples with a decimal value (e.g. x = 1/10): the two "
                           "sides differ in their last bits, by less than their rounding bounds",
         .explanation = "both sides add the same terms, in different orders and with the 1/N "
                        "applied at different places; each floating-point sum rounds, and the "
                        "roundings depend on the order. The difference is rounding, bounded by "
                        "the running error analysis of each side — judge float gradients against "
                        "a bound, never bit for bit",
         .domain = machine_formats},
        [](const variant &v) { return float_problems(v, true); }, float_sides, rounding_shape),
    {.name = "float_batching_exact_inputs",
     .claim = "when every input is a short binary fraction and N is a power of two, every "
              "intermediate result is representable, and the two sides are the same bits",
     .formula = "inputs k/4, N ∈ {1, 2, 4} ⇒ fl(∇J) = fl((1/N) Σ_i ∇L_i)",
     .explanation = "with no rounding anywhere, order does not matter",
     .cases = [](const variant &v) { return float_problems(v, false); },
     .domain = machine_formats},
    builtin_gradient_subject);

} // namespace
} // namespace gradlaws::props
