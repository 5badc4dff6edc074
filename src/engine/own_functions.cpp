#include "gradlaws/own_functions.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

namespace gradlaws {

void keep_worst(std::vector<function_accuracy> &worst, const function_accuracy &seen) {
  for (function_accuracy &w : worst)
    if (w.function == seen.function && w.format == seen.format) {
      const long n = w.evaluations + seen.evaluations;
      if (seen.ulps > w.ulps) w = seen;
      w.evaluations = n;
      return;
    }
  worst.push_back(seen);
}

std::string to_text(const function_accuracy &a) {
  char b[160];
  std::snprintf(b, sizeof b, "%s: %.3g ulp at z = %.17g (%s, %ld argument%s)", a.function.c_str(),
                a.ulps, a.at, a.format.c_str(), a.evaluations, a.evaluations == 1 ? "" : "s");
  return b;
}

own_functions::own_functions(std::vector<own_activation> list) : list_(std::move(list)) {
  for (const own_activation &o : list_) {
    const activation &a = find_activation(o.name); // throws unknown_name_error
    if (std::find(of_.begin(), of_.end(), &a) != of_.end())
      throw error("own functions: the activation '" + o.name + "' is given twice");
    if (!o.f || !o.df || !o.f_float || !o.df_float)
      throw error("own functions: '" + o.name + "' needs σ and σ′ in double and in float");
    of_.push_back(&a);
  }
}

const own_activation *own_functions::find(const activation &a) const {
  for (std::size_t i = 0; i < of_.size(); ++i)
    if (of_[i] == &a) return &list_[i];
  return nullptr;
}

namespace {

struct scope_state {
  const own_functions *functions = nullptr;
  own_charge charge = own_charge::law;
  std::vector<function_accuracy> *log = nullptr;
  const scope_state *previous = nullptr;
};

const scope_state *&current() {
  thread_local const scope_state *s = nullptr;
  return s;
}

template <class F> F call(const own_activation &o, bool derivative, F z) {
  if constexpr (std::is_same_v<F, double>) return derivative ? o.df(z) : o.f(z);
  else return derivative ? o.df_float(z) : o.f_float(z);
}

/// The values of every code path of o at z (o's own first).
template <class F> std::vector<F> calls(const own_activation &o, bool derivative, F z) {
  std::vector<F> out{call(o, derivative, z)};
  for (const own_activation &p : o.paths) out.push_back(call(p, derivative, z));
  return out;
}

/// The spread of o's code paths at z: 0 for one path, infinite when one is not finite.
template <class F> double path_spread(const own_activation &o, bool derivative, F z) {
  if (o.paths.empty()) return 0;
  const std::vector<F> v = calls(o, derivative, z);
  double low = HUGE_VAL, high_ = -HUGE_VAL;
  for (F x : v) {
    if (!std::isfinite(x)) return HUGE_VAL;
    low = std::min(low, double(x));
    high_ = std::max(high_, double(x));
  }
  return high_ - low;
}

template <class F> rounded<F> formula(const activation &a, const rounded<F> &z, bool derivative) {
  return derivative ? a.df(z) : a.f(z);
}

/// One unit in the last place of F at |x| (the smallest subnormal at 0).
template <class F> double ulp_of(double x) {
  const F a = F(std::abs(x));
  if (!std::isfinite(a)) return HUGE_VAL;
  return double(std::nextafter(a, std::numeric_limits<F>::infinity())) - double(a);
}

/// |σ̃(z) − σ(z)|, with σ(z) at the working precision, recorded in the scope's log.
template <class F>
double measured_deviation(const activation &a, const own_activation &o, F z, F value,
                          bool derivative, const scope_state &s) {
  // 30 digits measure a float or double's error to within 1e-13 of an ulp.
  const precision_scope digits(30);
  const high exact_value = derivative ? a.df(high(z)) : a.f(high(z));
  const double deviation = high(abs(high(value) - exact_value)).convert_to<double>();
  if (s.log) {
    const double ulp = ulp_of<F>(exact_value.convert_to<double>());
    keep_worst(*s.log, {o.name + (derivative ? "′" : ""),
                        std::is_same_v<F, float> ? "float" : "double", deviation / ulp, double(z), 1});
  }
  return deviation;
}

/// W: twice the spread of δ = σ̃ − σ_F over seven floats of [z − e, z + e] (its ends, z and
/// their neighbours inside), plus twice gradlaws's own bound of σ_F there.
template <class F>
double wobble(const activation &a, const own_activation &o, const rounded<F> &z, bool derivative) {
  constexpr F inf = std::numeric_limits<F>::infinity();
  F lo = F(double(z.v) - z.e), hi = F(double(z.v) + z.e);
  if (double(lo) > double(z.v) - z.e) lo = std::nextafter(lo, -inf);
  if (double(hi) < double(z.v) + z.e) hi = std::nextafter(hi, inf);
  const std::array<F, 7> points{lo, std::nextafter(lo, inf), std::nextafter(z.v, -inf), z.v,
                                std::nextafter(z.v, inf), std::nextafter(hi, -inf), hi};
  double low = HUGE_VAL, high_ = -HUGE_VAL, slack = 0;
  for (F p : points) {
    p = std::clamp(p, lo, hi);
    const rounded<F> mine = formula(a, rounded<F>(p, 0.0), derivative);
    for (F value : calls(o, derivative, p)) {
      const double delta = double(value) - double(mine.v);
      if (!std::isfinite(delta)) return HUGE_VAL;
      low = std::min(low, delta);
      high_ = std::max(high_, delta);
    }
    slack = std::max(slack, mine.e);
  }
  return 2 * (high_ - low) + 2 * slack;
}

} // namespace

own_functions_scope::own_functions_scope(const own_functions &functions, own_charge charge,
                                         std::vector<function_accuracy> *log)
    : previous_(current()) {
  current() = new scope_state{&functions, charge, log, current()};
}

own_functions_scope::~own_functions_scope() {
  delete current();
  current() = static_cast<const scope_state *>(previous_);
}

namespace detail {

template <class F>
std::optional<rounded<F>> own_value(const activation &a, const rounded<F> &z, bool derivative) {
  const scope_state *s = current();
  if (!s) return std::nullopt;
  const own_activation *o = s->functions->find(a);
  if (!o) return std::nullopt;
  const F v = call(*o, derivative, z.v);
  if (!std::isfinite(v) || !std::isfinite(z.e)) return rounded<F>(v, HUGE_VAL);
  // P: |σ(z) − σ(z_exact)| ≤ (gradlaws's formula's bound over the reach) + (its bound at z).
  const double propagation =
      z.e == 0 ? 0 : formula(a, z, derivative).e + formula(a, rounded<F>(z.v, 0.0), derivative).e;
  if (s->charge == own_charge::accuracy) {
    double deviation = 0;
    for (F path_value : calls(*o, derivative, z.v))
      deviation = std::max(deviation, measured_deviation(a, *o, z.v, path_value, derivative, *s));
    return rounded<F>(v, rounded<F>::bounded(propagation + deviation));
  }
  // The same argument gives the same value on one code path; the paths' spread otherwise.
  if (z.e == 0) return rounded<F>(v, rounded<F>::bounded(path_spread(*o, derivative, z.v)));
  return rounded<F>(v, rounded<F>::bounded(propagation + wobble(a, *o, z, derivative)));
}

template <class F> std::optional<F> own_plain_value(const activation &a, F z, bool derivative) {
  const scope_state *s = current();
  if (!s) return std::nullopt;
  const own_activation *o = s->functions->find(a);
  if (!o) return std::nullopt;
  return call(*o, derivative, z);
}

template std::optional<double> own_plain_value(const activation &, double, bool);
template std::optional<float> own_plain_value(const activation &, float, bool);
template std::optional<rounded<double>> own_value(const activation &, const rounded<double> &, bool);
template std::optional<rounded<float>> own_value(const activation &, const rounded<float> &, bool);

} // namespace detail

} // namespace gradlaws
