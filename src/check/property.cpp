#include "gradlaws/property.hpp"

#include <rapidcheck/detail/Configuration.h>

#include <cstdio>
#include <iostream>

#include <cctype>

namespace gradlaws {

namespace detail {
std::string tally_string(const std::map<verdict_kind, int> &tally) {
  std::string s;
  for (const auto &[k, n] : tally) s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(k));
  return s.empty() ? "no cases" : s;
}

run_result result_header(const property_info &info, const std::string &variant,
                         const std::string &test, const run_options &opt) {
  if (opt.cases < run_options::min_cases)
    throw error("run_options::cases = " + std::to_string(opt.cases) +
                ": a law must be checked on at least one case");
  if (opt.cases > run_options::max_cases)
    throw error("run_options::cases = " + std::to_string(opt.cases) + ": at most " +
                std::to_string(run_options::max_cases) +
                " cases a run (RapidCheck keeps every case's state); run more seeds instead");
  if (opt.max_size < run_options::min_max_size || opt.max_size > run_options::max_max_size)
    throw error("run_options::max_size = " + std::to_string(opt.max_size) + ": must be " +
                std::to_string(run_options::min_max_size) + " to " +
                std::to_string(run_options::max_max_size) +
                " (RapidCheck scales every generated range by size/100: below " +
                std::to_string(run_options::min_max_size) +
                " the values collapse towards 0, and a gradient that always returns 0 passes)");
  if (!(opt.case_deadline >= 0))
    throw error("run_options::case_deadline = " + std::to_string(opt.case_deadline) +
                ": seconds ≥ 0 (0: no deadline)");
  run_result r;
  r.entry = info.name;
  r.variant = variant;
  r.kind = info.kind;
  r.claim = info.claim;
  r.formula = info.formula;
  r.expected_shape = info.expected_shape;
  r.explanation = info.explanation;
  r.test_name = test;
  r.rerun = opt.rerun;
  r.seed = opt.seed ? *opt.seed : default_seed(r.test_name);
  return r;
}

bool record_outcome(const rc::detail::TestResult &result, bool judged, const std::string &error,
                    const std::map<verdict_kind, int> &tally, run_result &r) {
  if (result.is<rc::detail::SuccessResult>()) {
    r.status = run_status::held;
    r.cases = result.get<rc::detail::SuccessResult>().numSuccess;
    r.tally = tally_string(tally);
    return false;
  }
  if (result.is<rc::detail::FailureResult>()) {
    const auto &f = result.get<rc::detail::FailureResult>();
    r.cases = f.numSuccess;
    r.shrinks = int(f.reproduce.shrinkPath.size());
    r.reproduce = reproduce_line(r.test_name, f.reproduce);
    if (error.empty() && judged) {
      r.status = run_status::falsified;
      return true;
    }
    r.status = run_status::setup_failure;
    r.message = error.empty() ? f.description : error;
    return false;
  }
  if (result.is<rc::detail::GaveUpResult>()) {
    const auto &g = result.get<rc::detail::GaveUpResult>();
    r.status = run_status::gave_up;
    r.cases = g.numSuccess;
    r.message = g.description;
    return false;
  }
  r.status = run_status::setup_failure;
  r.message = result.get<rc::detail::Error>().description;
  return false;
}

const std::unordered_map<std::string, rc::detail::Reproduce> &reproductions() {
  static const auto &map = [] () -> const std::unordered_map<std::string, rc::detail::Reproduce> & {
    // RapidCheck prints its configuration the first time it is read; a user's check prints
    // its results and nothing else.
    std::streambuf *out = std::cout.rdbuf(nullptr), *err = std::cerr.rdbuf(nullptr);
    try {
      const auto &m = rc::detail::configuration().reproduce;
      std::cout.rdbuf(out);
      std::cerr.rdbuf(err);
      std::cout.clear();
      std::cerr.clear();
      return m;
    } catch (...) {
      std::cout.rdbuf(out);
      std::cerr.rdbuf(err);
      std::cout.clear();
      std::cerr.clear();
      throw;
    }
  }();
  return map;
}

void conclude(run_result &r, std::chrono::steady_clock::time_point start) {
  if (r.kind == entry_kind::fallacy)
    r.passed = r.status == run_status::falsified && r.shape_problem.empty();
  else
    r.passed = r.status == run_status::held;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
} // namespace detail

pipeline_subject variant_strategy_subject(const variant &v) {
  if (!v.strat) throw error("variant '" + v.name() + "' names no strategy");
  return strategy_subject(*v.strat);
}

const activation *variant_activation(const variant &v) {
  if (!v.act) throw error("variant '" + v.name() + "' names no activation");
  return v.act;
}

gen::problem_options within_capabilities(gen::problem_options o, const variant &v) {
  if (!v.within) return o;
  const capabilities &c = *v.within;
  if (c.fixed_model) o.fixed = c.fixed_model;
  o.activations = o.activations & c.activations;
  o.losses = o.losses & c.losses;
  if (c.batch.max && c.batch.max < o.min_batch)
    throw error("the subject accepts batches of " + c.batch.describe("N") + ", but this law needs "
                "N ≥ " + std::to_string(o.min_batch));
  o.min_batch = std::max(o.min_batch, c.batch.min);
  if (c.batch.max) o.max_batch = std::min(o.max_batch, c.batch.max);
  o.max_batch = std::max(o.max_batch, o.min_batch);
  return o;
}

gen::problem_options options_for(const variant &v) {
  gen::problem_options o;
  if (v.fixed_model() && v.on) {
    o.on = *v.on;
    return within_capabilities(o, v);
  }
  if (!v.act || !v.on)
    throw error("variant '" + v.name() + "' is not of the form <activation>_<rung>, e.g. relu_exact");
  o.on = *v.on;
  o.activation = v.act->name();
  o.min_hidden = 1;
  return within_capabilities(o, v);
}

namespace {
std::string identifier(const std::string &s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string quoted_list(const std::vector<std::string> &items) {
  std::string s = "{";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", \"" : "\"") + items[i] + "\"";
  return s + "}";
}

std::string matrix_code(const std::string &name, const mat<exact> &m) {
  std::vector<std::string> items;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) items.push_back(to_string(m(i, j)));
  return "    const mat<T> " + name + " = matrix_of<T>(" + std::to_string(m.rows()) + ", " +
         std::to_string(m.cols()) + ", " + quoted_list(items) + ");\n";
}
} // namespace

std::string draft_regression(const property_info &info, const std::string &test, rung on,
                             int digits, double operations, const std::string &setup,
                             const verdict &found, double magnitude) {
  if (info.lhs_code.empty() || info.rhs_code.empty()) return "";
  const bool fallacy = info.kind == entry_kind::fallacy;
  std::string s;
  s += "// Drafted by gradlaws from the shrunk counterexample of\n// " + test + ".\n";
  s += "#include <gradlaws/gradlaws.hpp>\n#include <gtest/gtest.h>\n\n";
  s += "TEST(GradlawsRegression, " + identifier(test) + ") {\n";
  s += "  using namespace gradlaws;\n";
  s += std::string("  using T = ") + (on == rung::exact ? "exact" : "high") + ";\n";
  if (on != rung::exact) s += "  const precision_scope scope(" + std::to_string(digits) + ");\n";
  s += "  const auto sides_of_claim = [] {\n" + setup;
  s += "    return sides<T>{" + info.lhs_code + ",\n                    " + info.rhs_code + "};\n  };\n";
  if (on == rung::exact) {
    s += "  const auto s = sides_of_claim();\n";
    s += "  EXPECT_EQ(s.lhs, vector_of<T>(" + quoted_list(found.lhs) + ")); // " + info.lhs + "\n";
    s += "  EXPECT_EQ(s.rhs, vector_of<T>(" + quoted_list(found.rhs) + ")); // " + info.rhs + "\n";
    s += fallacy ? "  EXPECT_NE(s.lhs, s.rhs); // the fallacy: the two sides differ\n"
                 : "  EXPECT_EQ(s.lhs, s.rhs); // the law\n";
  } else {
    std::string scale;
    if (magnitude != 1) {
      char m[32];
      std::snprintf(m, sizeof m, "%.17g", magnitude);
      scale = ", tolerances{}, " + std::string(m);
    }
    s += "  const verdict v = judge_high(\"" + info.lhs + "\", \"" + info.rhs + "\", " +
         std::to_string(digits) + ", " + std::to_string(long(operations)) + ", sides_of_claim" +
         scale + ");\n";
    s += std::string(fallacy ? "  EXPECT_FALSE" : "  EXPECT_TRUE") + "(v.equal()) << v.to_text();\n";
  }
  s += "}\n";
  return s;
}

std::string draft_subject_regression(const problem &p, const std::string &subject,
                                     const std::string &law, const std::string &variant,
                                     const std::string &test) {
  std::vector<std::string> theta;
  for (Eigen::Index k = 0; k < p.theta.size(); ++k) theta.push_back(to_string(p.theta[k]));
  const std::string construction = p.m.construction_code();
  std::string s = "// Drafted by gradlaws from the shrunk counterexample of " + test + ":\n";
  s += "// the law " + law + " failed on '" + subject + "' in " + variant + ".\n";
  s += "// Define my_subject() to return the subject as you hand it to check().\n";
  s += "#include <gradlaws/checks.hpp>\n#include <gradlaws/gradlaws.hpp>\n#include <gradlaws/report.hpp>\n"
       "#include <gtest/gtest.h>\n\n";
  s += "gradlaws::gradient_subject my_subject();\n\n";
  s += "TEST(GradlawsRegression, " + identifier(test) + ") {\n";
  s += "  using namespace gradlaws;\n  using T = exact;\n";
  s += "  const gradient_subject subject = my_subject();\n";
  s += construction.empty()
           ? "  const model m = *subject.supported().fixed_model; // " + p.m.describe() + "\n"
           : "  const model m = " + construction + ";\n";
  s += "  const vec<T> theta = vector_of<T>(" + quoted_list(theta) + ");\n";
  s += matrix_code("x", p.x).substr(2) + matrix_code("y", p.y).substr(2);
  s += "  const problem p{m, theta, x, y, rung::" + std::string(to_string(p.on)) + "};\n";
  s += "  const run_result r =\n      check_case(subject, p, {.laws = {\"" + law +
       "\"}, .variants = {\"" + variant + "\"}});\n";
  s += "  EXPECT_TRUE(r.passed) << render_text(r, timings::omitted);\n}\n";
  return s;
}

std::string draft_problem_regression(const problem &p, const property_info &info,
                                     const std::string &test, int digits, const verdict &found) {
  const std::string construction = p.m.construction_code();
  if (construction.empty()) return "";
  std::vector<std::string> theta;
  for (Eigen::Index k = 0; k < p.theta.size(); ++k) theta.push_back(to_string(p.theta[k]));
  std::string setup = "    const model m = " + construction + ";\n";
  setup += "    const vec<T> theta = vector_of<T>(" + quoted_list(theta) + ");\n";
  setup += matrix_code("x", p.x) + matrix_code("y", p.y);
  return draft_regression(info, test, p.on, digits, p.operations(), setup, found,
                          p.on == rung::high ? p.magnitude() : 1);
}

std::uint64_t default_seed(const std::string &test) {
  // 64-bit FNV-1a: the published offset basis and prime (Fowler, Noll, Vo).
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : test) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string reproduce_line(const std::string &test, const rc::detail::Reproduce &r) {
  rc::detail::Configuration config;
  config.reproduce[test] = r;
  // Only the reproduce key: a seed would be ignored while reproducing anyway.
  std::string params = rc::detail::configToMinimalString(config);
  if (const auto at = params.find(" seed="); at != std::string::npos)
    params.erase(at, params.find(' ', at + 1) - at);
  return "RC_PARAMS=\"" + params + "\"";
}

} // namespace gradlaws
