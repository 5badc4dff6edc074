#pragma once
// The fields of a run result and of everything in it, listed once: the JSON writer and the
// JSON reader both walk these lists, so the two cannot disagree on a name or miss a field.
// fields(x, v) calls v(name, member) for every member of x, in the order they are written.

#include "gradlaws/catalogue.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace gradlaws::detail {

/// A 64-bit seed, written as a string: JSON parsers that read numbers as doubles lose digits.
template <class U>
struct decimal_string {
  U &value;
};
template <class U>
decimal_string(U &) -> decimal_string<U>;

template <class T, class U>
concept same_or_const = std::is_same_v<std::remove_const_t<T>, U>;

template <same_or_const<magnitude> M, class V>
void fields(M &m, V &v) {
  v("mantissa", m.mantissa);
  v("exponent", m.exponent);
}

template <same_or_const<rounding_floor> F, class V>
void fields(F &f, V &v) {
  v("operations", f.operations);
  v("scale", f.scale);
  v("digits", f.digits);
  v("value", f.value);
}

template <same_or_const<confirmation> C, class V>
void fields(C &c, V &v) {
  v("digits", c.digits);
  v("distance", c.distance);
  v("floor", c.floor);
  v("found", c.found);
}

template <same_or_const<rounding_evidence> R, class V>
void fields(R &r, V &v) {
  v("side", r.side);
  v("exact", r.exact);
  v("component", r.component);
  v("error", r.error);
  v("bound", r.bound);
  v("ulp", r.ulp);
}

template <same_or_const<law_evidence> L, class V>
void fields(L &l, V &v) {
  v("component", l.component);
  v("difference", l.difference);
  v("lhs_bound", l.lhs_bound);
  v("rhs_bound", l.rhs_bound);
  v("ulp", l.ulp);
}

template <same_or_const<two_precision_evidence> P, class V>
void fields(P &p, V &v) {
  v("component", p.component);
  v("double_difference", p.double_difference);
  v("float_difference", p.float_difference);
  v("scale", p.scale);
  v("inputs", p.inputs);
}

template <same_or_const<function_accuracy> A, class V>
void fields(A &a, V &v) {
  v("function", a.function);
  v("format", a.format);
  v("ulps", a.ulps);
  v("at", a.at);
  v("evaluations", a.evaluations);
}

template <same_or_const<verdict> D, class V>
void fields(D &d, V &v) {
  v("lhs_name", d.lhs_name);
  v("rhs_name", d.rhs_name);
  v("rung", d.on);
  v("digits", d.digits);
  v("kind", d.kind);
  v("lhs", d.lhs);
  v("rhs", d.rhs);
  v("difference", d.difference);
  v("distance", d.distance);
  v("floor", d.floor);
  v("confirmed", d.confirmed);
  v("disjoint_component", d.disjoint_component);
  v("nonfinite", d.nonfinite);
  v("unavailable", d.unavailable);
  v("format", d.format);
  v("law", d.law);
  v("precisions", d.precisions);
  v("rounding", d.rounding);
  v("functions", d.functions);
}

template <same_or_const<figure::series> S, class V>
void fields(S &s, V &v) {
  v("label", s.label);
  v("style", s.style);
  v("x", s.x);
  v("y", s.y);
  v("point_labels", s.point_labels);
}

template <same_or_const<figure> F, class V>
void fields(F &f, V &v) {
  v("name", f.name);
  v("title", f.title);
  v("caption", f.caption);
  v("x_label", f.x_label);
  v("y_label", f.y_label);
  v("categories", f.categories);
  v("data", f.data);
}

template <same_or_const<run_result> R, class V>
void fields(R &r, V &v) {
  v("entry", r.entry);
  v("variant", r.variant);
  v("kind", r.kind);
  v("claim", r.claim);
  v("formula", r.formula);
  v("status", r.status);
  v("passed", r.passed);
  v("cases", r.cases);
  v("shrinks", r.shrinks);
  decimal_string seed{r.seed};
  v("seed", seed);
  v("reproduce", r.reproduce);
  v("rerun", r.rerun);
  v("test", r.test_name);
  v("counterexample", r.counterexample);
  v("verdict", r.found);
  v("certificate", r.certificate);
  v("shape_problem", r.shape_problem);
  v("expected_shape", r.expected_shape);
  v("explanation", r.explanation);
  v("message", r.message);
  v("tally", r.tally);
  v("regression", r.regression);
  v("details", r.details);
  v("figures", r.figures);
  v("inaccurate_cases", r.inaccurate_cases);
  v("accuracy", r.accuracy);
  v("seconds", r.seconds);
}

/// Every value of an enumeration the results hold (its name is to_string of it).
constexpr std::array<entry_kind, 3> values_of(entry_kind) {
  return {entry_kind::law, entry_kind::boundary_law, entry_kind::fallacy};
}
constexpr std::array<run_status, 4> values_of(run_status) {
  return {run_status::held, run_status::falsified, run_status::gave_up, run_status::setup_failure};
}
constexpr std::array<rung, 4> values_of(rung) { return {rung::exact, rung::high, rung::interval, rung::machine}; }
constexpr std::array<verdict_kind, 7> values_of(verdict_kind) {
  return {verdict_kind::exactly_equal,        verdict_kind::equal_to_precision, verdict_kind::different,
          verdict_kind::certified_different,  verdict_kind::not_certified,      verdict_kind::equal_up_to_rounding,
          verdict_kind::undecided};
}
constexpr std::array<confirmation::finding, 3> values_of(confirmation::finding) {
  return {confirmation::finding::under_floor, confirmation::finding::shrank, confirmation::finding::did_not_shrink};
}
constexpr std::array<figure::mark, 5> values_of(figure::mark) {
  return {figure::mark::line, figure::mark::dashed, figure::mark::points, figure::mark::bars, figure::mark::arrows};
}

/// Names of the enumerations that have none in the layers below.
constexpr std::string_view to_string(confirmation::finding f) {
  switch (f) {
  case confirmation::finding::under_floor: return "under floor";
  case confirmation::finding::shrank: return "shrank";
  case confirmation::finding::did_not_shrink: return "did not shrink";
  }
  return "?";
}
constexpr std::string_view to_string(figure::mark m) {
  switch (m) {
  case figure::mark::line: return "line";
  case figure::mark::dashed: return "dashed";
  case figure::mark::points: return "points";
  case figure::mark::bars: return "bars";
  case figure::mark::arrows: return "arrows";
  }
  return "?";
}
using gradlaws::to_string;

} // namespace gradlaws::detail
