// The training step in half precision: gradient accumulation. A half-precision backward pass
// hands each micro-batch's gradient in bfloat16 or float16; mixed-precision training adds them
// up in float and rounds once at the end, within the pieces' own rounding of the full-batch
// gradient. Adding them up in the pieces' format instead rounds every partial sum to 8 (or 11)
// significant bits, and from a few micro-batches on the sum leaves that rounding behind.
// Written over an accumulation subject: gradlaws's accumulate_mean, or a user's accumulation.

#include "cases.hpp"

#include <gradlaws/accumulation.hpp>

#include <algorithm>
#include <cmath>

namespace gradlaws::props {
namespace {

const std::string half_family = "the training step";

/// K micro-batch gradients of one length, in the format of the machine variant at hand.
struct accumulation_case {
  std::vector<vec<exact>> pieces;
  machine_format format = machine_format::bfloat16_format;
  rung on = rung::machine;

  std::size_t micro_batches() const { return pieces.size(); }
  std::size_t dimension() const { return pieces.empty() ? 0 : std::size_t(pieces.front().size()); }
  /// (1/K) Σ_k g_k, the full-batch gradient of K equal micro-batches.
  vec<exact> mean() const {
    vec<exact> m = vec<exact>::Constant(Eigen::Index(dimension()), exact(0));
    for (const vec<exact> &p : pieces) m += p;
    return m / exact(long(pieces.size()));
  }
  std::string describe() const {
    std::string s = "K      " + std::to_string(micro_batches()) + " micro-batches\ng_k    {";
    for (std::size_t k = 0; k < pieces.size(); ++k) s += (k ? ", " : "") + to_string(pieces[k]);
    return s + "}";
  }
  double operations() const { return 3.0 * double(micro_batches() * dimension()) + 8; }
  std::vector<std::pair<std::string, std::string>> details() const;
  std::vector<figure> figures() const;
};

/// The first component's mean of the first k pieces, for k = 1..n: exactly, as the full-batch
/// gradient in F (the law's right side), accumulated in F, accumulated in float, and the law's
/// allowance (the running-error bounds of the float accumulation of the F pieces and of the
/// full-batch gradient in F). Beyond K the case's pieces repeat, in order.
template <class F> struct running_means {
  std::vector<double> exact_mean, full_batch, in_format, in_float, allowance;
};
template <class F> running_means<F> running_means_of(const accumulation_case &c, std::size_t n) {
  running_means<F> r;
  accumulation_case prefix;
  for (std::size_t k = 1; k <= n; ++k) {
    prefix.pieces.push_back(c.pieces[(k - 1) % c.pieces.size()]);
    const std::vector<vec<exact>> &first = prefix.pieces;
    const vec<exact> m = prefix.mean();
    const auto bounded = accumulate_mean(lift_all<rounded<F>>(first));
    r.exact_mean.push_back(m[0].convert_to<double>());
    r.full_batch.push_back(double(from_exact<F>(m[0])));
    r.in_format.push_back(double(accumulate_mean_in<F>(lift_all<F>(first))[0]));
    r.in_float.push_back(double(accumulate_mean(lift_all<F>(first))[0]));
    r.allowance.push_back(bounded[0].e + from_exact<rounded<F>>(m[0]).e);
  }
  return r;
}

template <class F> std::vector<std::pair<std::string, std::string>> details_in(const accumulation_case &c) {
  const running_means<F> r = running_means_of<F>(c, c.pieces.size());
  const std::string name = machine_format_traits<F>::name;
  const std::size_t k = r.exact_mean.size() - 1;
  return {{"mean, component 0", "exactly " + to_string(r.exact_mean[k], 9) + "; accumulated in float " +
                                      to_string(r.in_float[k], 9) + ", in " + name + " " +
                                      to_string(r.in_format[k], 9)},
          {"allowed", to_string(r.allowance[k], 3) + " by the pieces' rounding (the float "
                      "accumulation's bound with the full-batch gradient's)"}};
}

template <class F> std::vector<figure> figures_in(const accumulation_case &c) {
  const std::size_t n = std::max<std::size_t>(c.pieces.size(), 24);
  const running_means<F> r = running_means_of<F>(c, n);
  const std::string name = machine_format_traits<F>::name;
  figure f{.name = "accumulation-error",
           .title = "Accumulated mean against the rounding bound",
           .caption = "After k micro-batches (the witness's K = " + std::to_string(c.pieces.size()) +
                      " gradients, then the same again in order), component 0: how far the mean "
                      "accumulated in float and in " + name + " is from the full-batch gradient in " +
                      name + ", against what the pieces' own rounding allows. Accumulating in " +
                      name + " rounds every partial sum and leaves the bound behind; float keeps "
                      "within it.",
           .x_label = "micro-batches accumulated, k",
           .y_label = "|accumulated mean − full-batch gradient|"};
  figure::series fmt{.label = "accumulated in " + name, .style = figure::mark::points};
  figure::series flt{.label = "accumulated in float", .style = figure::mark::points};
  figure::series bound{.label = "allowed by the pieces' rounding", .style = figure::mark::dashed};
  for (std::size_t k = 0; k < r.exact_mean.size(); ++k) {
    const double x = double(k + 1);
    fmt.x.push_back(x);
    fmt.y.push_back(std::abs(r.in_format[k] - r.full_batch[k]));
    flt.x.push_back(x);
    flt.y.push_back(std::abs(r.in_float[k] - r.full_batch[k]));
    bound.x.push_back(x);
    bound.y.push_back(r.allowance[k]);
  }
  f.data = {bound, flt, fmt};
  return {f};
}

// The running means of the 16-bit formats; the exact rung, double and float have no pieces
// rounded to 16 bits to show.
std::vector<std::pair<std::string, std::string>> accumulation_case::details() const {
  if (on != rung::machine) return {};
  if (format == machine_format::float16_format) return details_in<Eigen::half>(*this);
  if (format == machine_format::bfloat16_format) return details_in<Eigen::bfloat16>(*this);
  return {};
}
std::vector<figure> accumulation_case::figures() const {
  if (on != rung::machine) return {};
  if (format == machine_format::float16_format) return figures_in<Eigen::half>(*this);
  if (format == machine_format::bfloat16_format) return figures_in<Eigen::bfloat16>(*this);
  return {};
}

/// K ≤ max_k micro-batch gradients of 1 to 3 components, each component k/128 with |k| ≤ 1024
/// (up to 10 significant bits: more than bfloat16 keeps, within float16's). The values are
/// drawn first and shrink towards 0; then K towards 1 and the length towards 1.
rc::Gen<accumulation_case> accumulation_cases_up_to(const variant &v, std::size_t max_k) {
  const rung on = v.rung_or(rung::machine);
  const machine_format format = v.format;
  return rc::gen::exec([on, format, max_k] {
    std::vector<vec<exact>> raw(max_k, vec<exact>(3));
    for (vec<exact> &p : raw)
      for (Eigen::Index j = 0; j < 3; ++j) p[j] = exact(*rc::gen::inRange(-1024, 1025), 128);
    const std::size_t k = *gen::count(1, max_k);
    const auto d = Eigen::Index(*gen::count(1, 3));
    accumulation_case c;
    c.on = on;
    c.format = format;
    for (std::size_t i = 0; i < k; ++i) c.pieces.push_back(raw[i].head(d));
    return c;
  });
}

rc::Gen<accumulation_case> accumulation_cases(const variant &v) { return accumulation_cases_up_to(v, 32); }

/// A training loop that accumulates in the pieces' own format: the sum of K bfloat16 (or
/// float16) gradients rounded to the format after every addition. It runs in the 16-bit
/// formats only, so the machine rung bounds it by gradlaws's float accumulation.
accumulation_subject in_format_accumulation(const variant &) {
  accumulation_subject s("accumulation in the pieces' format");
  s.set<Eigen::bfloat16>([](const std::vector<vec<Eigen::bfloat16>> &p) {
    return accumulate_mean_in<Eigen::bfloat16>(p);
  });
  s.set<Eigen::half>([](const std::vector<vec<Eigen::half>> &p) { return accumulate_mean_in<Eigen::half>(p); });
  return s;
}

accumulation_subject builtin_accumulation(const variant &) { return mean_accumulation_subject(); }

std::string half_accumulation_shape(const accumulation_case &c, const verdict &v) {
  if (c.micro_batches() < 3)
    return "expected K ≥ 3 micro-batches (two are summed with one rounding), got K = " +
           std::to_string(c.micro_batches());
  if (v.on != rung::machine || !v.law) return "expected a machine-rung verdict beyond rounding";
  return "";
}

const std::vector<machine_format> half_formats{machine_format::bfloat16_format,
                                               machine_format::float16_format};

const bool half_accumulation_registered = register_fallacy(
    make_fallacy<accumulation_subject, accumulation_case>(
        {.name = "accumulation_in_half_precision",
         .kind = entry_kind::fallacy,
         .family = half_family,
         .claim = "accumulating K half-precision micro-batch gradients in their own format stays "
                  "within their rounding of the full-batch gradient",
         .formula = "fl₁₆(… fl₁₆(g_1 + g_2) … + g_K) / K = (1/K) Σ_k g_k up to the pieces' rounding",
         .lhs = "mean accumulated in the pieces' format",
         .rhs = "full-batch gradient",
         .expected_shape = "K ≥ 3 micro-batches (the K is the witness): two are summed with one "
                           "rounding, as float accumulation rounds its result once",
         .explanation = "a 16-bit sum keeps 8 (bfloat16) or 11 (float16) significant bits, so "
                        "every partial sum is rounded again, by up to half a unit of its own, "
                        "growing magnitude; float accumulation rounds the pieces' sum once, at the "
                        "end, and the pieces' own rounding is all that is left",
         .domain = {.axis = variant_axis::rung, .rungs = {rung::machine}, .formats = half_formats,
                    .for_users = false}},
        accumulation_cases,
        []<class T>(const accumulation_subject &s, const accumulation_case &c) -> sides<T> {
          return {s.template on<T>()(lift_all<T>(c.pieces)), lift<T>(c.mean())};
        },
        half_accumulation_shape),
    {.name = "accumulated_mean_within_rounding",
     .claim = "accumulating K micro-batch gradients gives their mean: exactly on the exact rung, "
              "and within the pieces' rounding when half-precision pieces are accumulated in float",
     .formula = "accumulate(g_1, …, g_K) = (1/K) Σ_k g_k",
     .explanation = "a sum of K vectors divided by K is the mean of K equal micro-batches; in "
                    "float, 16 bits of headroom over bfloat16 and 13 over float16 keep the partial "
                    "sums of half-precision pieces almost exact, and one rounding at the end",
     .cases = accumulation_cases,
     .domain = {.axis = variant_axis::rung, .rungs = {rung::exact, rung::machine}, .formats = step_formats},
     .lhs = "accumulated mean",
     .rhs = "full-batch gradient"},
    in_format_accumulation, builtin_accumulation);

} // namespace
} // namespace gradlaws::props
