#include "gradlaws/checks.hpp"

#include "gradlaws/property.hpp"

#include <algorithm>
#include <cctype>

namespace gradlaws {

namespace {

template <class Subject> bool runs_on_rung(const Subject &s, rung r) {
  switch (r) {
  case rung::exact: return s.template runs_on<exact>();
  case rung::high: return s.template runs_on<high>();
  case rung::interval: return s.template runs_on<interval>();
  case rung::machine: return s.template runs_on<double>() || s.template runs_on<float>();
  }
  return false;
}

/// The variants of a pipeline law a pipeline subject runs on, on the exact rung and in double
/// and float: a law of the subject's family (its layouts are that family's) runs as it is; a
/// law over every strategy runs with its first correct convention of the family.
std::vector<variant> pipeline_variants_for(const pipeline_subject &s,
                                           const subject_law<pipeline_subject> &l,
                                           strategy_family family) {
  std::vector<variant> out;
  const auto on_rungs = [&](variant v) {
    if (s.runs_on<exact>()) {
      v.on = rung::exact;
      out.push_back(v);
    }
    if (l.machine_rung)
      for (bool single : {false, true})
        if (single ? s.runs_on<float>() : s.runs_on<double>()) {
          v.on = rung::machine;
          v.single_precision = single;
          out.push_back(v);
        }
  };
  const bool same_family = l.info.family == to_string(family);
  for (const variant &v : l.variants()) {
    if (v.strat && v.strat->info().family == family && v.strat->info().correct_weights) {
      on_rungs(variant{.strat = v.strat});
      break;
    }
    if (same_family && !v.strat) {
      on_rungs(variant{});
      break;
    }
  }
  return out;
}

/// The variants of one law a subject runs on.
template <class Subject>
std::vector<variant> variants_for(const Subject &s, const subject_law<Subject> &l,
                                  const std::shared_ptr<const model> &fixed,
                                  const check_options &o) {
  if constexpr (std::is_same_v<Subject, pipeline_subject>) {
    if (!o.pipeline)
      throw error("checking the pipeline '" + s.name() + "' needs check_options::pipeline: "
                  "its layouts' kind (accumulation, replica or token)");
    return pipeline_variants_for(s, l, *o.pipeline);
  }
  std::vector<variant> out;
  std::vector<std::string> seen;
  const auto add = [&](const variant &v) {
    const std::string name = v.name();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
    seen.push_back(name);
    out.push_back(v);
  };
  if (fixed) {
    // Only the laws that draw activation problems can draw them for a given model.
    if (!l.info.keeps_model) return out;
    if (fixed->batch_coupled() && !l.info.holds_under_coupling) return out;
    const auto all = l.variants();
    if (std::none_of(all.begin(), all.end(), [](const variant &v) { return v.act != nullptr; }))
      return out;
    for (rung r : {rung::exact, rung::high})
      if (runs_on_rung(s, r) && fixed->supports(r)) add({.fixed_model = fixed, .on = r});
    if (l.machine_rung)
      for (bool single : {false, true})
        if (single ? s.template runs_on<float>() : s.template runs_on<double>())
          add({.fixed_model = fixed, .on = rung::machine, .single_precision = single});
    return out;
  }
  for (const variant &v : l.variants()) {
    if (v.on && *v.on != rung::machine && runs_on_rung(s, *v.on)) add(v);
    if (!l.machine_rung || !v.act || !v.on || *v.on == rung::interval) continue;
    // The machine variants: the same activation (and batch shape) in double and float.
    for (bool single : {false, true}) {
      if (single ? !s.template runs_on<float>() : !s.template runs_on<double>()) continue;
      variant m = v;
      m.on = rung::machine;
      m.single_precision = single;
      add(m);
    }
  }
  return out;
}

std::string subject_identifier(const std::string &s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

void require_known(const std::vector<std::string> &asked, std::vector<std::string> known,
                   const std::string &what) {
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  for (const std::string &a : asked)
    if (!std::binary_search(known.begin(), known.end(), a)) throw unknown_name_error(what, a, known);
}

template <class Subject> std::vector<const subject_law<Subject> *> sorted_laws() {
  std::vector<const subject_law<Subject> *> laws;
  for (const auto &l : subject_laws<Subject>()) laws.push_back(&l);
  std::sort(laws.begin(), laws.end(),
            [](const auto *a, const auto *b) { return a->info.name < b->info.name; });
  return laws;
}

template <class Subject>
std::vector<std::pair<const subject_law<Subject> *, variant>> planned(const Subject &s,
                                                                      const check_options &o) {
  bool any = false;
  for (rung r : {rung::exact, rung::high, rung::machine}) any = any || runs_on_rung(s, r);
  if (!any)
    throw error("the subject '" + s.name() + "' has no callable: give it a function written "
                "generically over the scalar, or for double or float");
  std::vector<std::string> law_names;
  for (const auto *l : sorted_laws<Subject>()) law_names.push_back(l->info.name);
  require_known(o.laws, law_names, "law for this kind of subject");
  std::vector<std::pair<const subject_law<Subject> *, variant>> out;
  std::vector<std::string> variant_names;
  const auto fixed = o.fixed_model ? std::make_shared<const model>(*o.fixed_model) : nullptr;
  for (const auto *l : sorted_laws<Subject>()) {
    if (!o.laws.empty() && std::find(o.laws.begin(), o.laws.end(), l->info.name) == o.laws.end())
      continue;
    for (const variant &v : variants_for(s, *l, fixed, o)) {
      variant_names.push_back(v.name());
      if (o.variants.empty() ||
          std::find(o.variants.begin(), o.variants.end(), v.name()) != o.variants.end())
        out.emplace_back(l, v);
    }
  }
  require_known(o.variants, variant_names, "variant this subject runs on");
  return out;
}

template <class Subject>
std::vector<std::pair<std::string, std::string>> plan_of(const Subject &s, const check_options &o) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto &[l, v] : planned(s, o)) out.emplace_back(l->info.name, v.name());
  return out;
}

template <class Subject> std::vector<run_result> check_of(const Subject &s, const check_options &o) {
  const run_options opt = o.run ? *o.run : options_from_environment();
  std::vector<run_result> out;
  for (const auto &[l, v] : planned(s, o)) {
    // The RapidCheck id (and so the reproduce key) names the subject, the law and the variant.
    const std::string test = subject_identifier(s.name()) + "/" + l->info.name + "." + v.name();
    run_options here = opt;
    if (here.rerun.empty())
      here.rerun = "(run the same check of '" + s.name() + "' with this in the environment)";
    run_result r = l->run(s, v, test, here);
    // A drafted regression test would call gradlaws's own functions, not the subject.
    r.regression.clear();
    out.push_back(std::move(r));
  }
  return out;
}

template <class Subject> std::vector<std::string> names_of() {
  std::vector<std::string> out;
  for (const auto *l : sorted_laws<Subject>()) out.push_back(l->info.name);
  return out;
}

} // namespace

std::vector<std::pair<std::string, std::string>> plan(const gradient_subject &s, const check_options &o) {
  return plan_of(s, o);
}
std::vector<std::pair<std::string, std::string>> plan(const backward_subject &s, const check_options &o) {
  return plan_of(s, o);
}
std::vector<std::pair<std::string, std::string>> plan(const pipeline_subject &s, const check_options &o) {
  return plan_of(s, o);
}
std::vector<run_result> check(const pipeline_subject &s, const check_options &o) { return check_of(s, o); }
std::vector<std::string> laws_for_pipeline_subjects() { return names_of<pipeline_subject>(); }
std::vector<run_result> check(const gradient_subject &s, const check_options &o) { return check_of(s, o); }
std::vector<run_result> check(const backward_subject &s, const check_options &o) { return check_of(s, o); }
std::vector<std::string> laws_for_gradient_subjects() { return names_of<gradient_subject>(); }
std::vector<std::string> laws_for_backward_subjects() { return names_of<backward_subject>(); }

} // namespace gradlaws
