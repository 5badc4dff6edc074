#include "gradlaws/checks.hpp"
#include "gradlaws/detail/workers.hpp"
#include "gradlaws/result_json.hpp"
#include "gradlaws/opaque.hpp"

#include "gradlaws/property.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace gradlaws {

namespace {

/// True when the subject runs in format f (a kind that never does answers false).
template <class Subject> bool runs_in(const Subject &s, machine_format f) {
  switch (f) {
  case machine_format::double_format: return s.template runs_on<double>();
  case machine_format::float_format: return s.template runs_on<float>();
  case machine_format::bfloat16_format: return s.template runs_on<Eigen::bfloat16>();
  case machine_format::float16_format: return s.template runs_on<Eigen::half>();
  }
  return false;
}

template <class Subject> bool runs_on_rung(const Subject &s, rung r) {
  switch (r) {
  case rung::exact: return s.template runs_on<exact>();
  case rung::high: return s.template runs_on<high>();
  case rung::interval: return s.template runs_on<interval>();
  case rung::machine:
    return std::any_of(std::begin(all_machine_formats), std::end(all_machine_formats),
                       [&](machine_format f) { return runs_in(s, f); });
  }
  return false;
}

/// One law's variants for one subject, or why there are none.
struct law_plan {
  std::vector<variant> variants;
  std::string left_out;
};

/// What the subject is handed by every variant: its capabilities, with the check's fixed
/// model (if any) as its model.
template <class Subject>
std::shared_ptr<const capabilities> capabilities_of(const Subject &s, const check_options &o) {
  capabilities c = s.supported();
  if (o.fixed_model) c.fixed_model = std::make_shared<const model>(*o.fixed_model);
  return std::make_shared<const capabilities>(std::move(c));
}

/// v on the exact rung (if the subject runs there) and in each machine format both the law
/// and the subject have.
template <class Subject>
void on_subject_rungs(std::vector<variant> &out, const Subject &s, const law_domain &d, variant v,
                      bool exact_too, bool high_too) {
  for (rung r : {rung::exact, rung::high}) {
    if (r == rung::exact ? !exact_too : !high_too) continue;
    if (runs_on_rung(s, r)) {
      v.on = r;
      out.push_back(v);
    }
  }
  for (machine_format f : d.formats)
    if (runs_in(s, f)) {
      v.on = rung::machine;
      v.format = f;
      out.push_back(v);
    }
}

/// Why a law's domain and a subject's capabilities do not meet, or "".
std::string mismatch(const law_domain &d, const capabilities &c) {
  if (c.coupled() && !d.holds_under_coupling)
    return "it does not hold for batch-coupled models, and the subject's model couples the "
           "examples of a batch";
  if (d.hands_batches_of && c.batch.min > d.hands_batches_of)
    return "it hands the subject batches of " + std::to_string(d.hands_batches_of) +
           " example (per-example gradients), and the subject accepts " + c.batch.describe("N");
  if (c.fixed_model && !d.keeps_model)
    return "it builds another model than the one drawn, and the subject is written for one model";
  if (c.framework_mean_only && d.hands_gradlaws_reductions)
    return "it hands gradlaws's mean, sum or weighted mean, and the subject computes the loss's "
           "own mean only (capabilities::framework_mean_only)";
  if (d.hands_framework_mean && !c.framework_mean && !c.framework_mean_only)
    return "it asks for the loss's own mean (reduction::framework_mean()), and the subject does "
           "not declare that it computes it (capabilities::framework_mean)";
  if (!d.losses.is_all() && !c.fixed_model && (c.losses & d.losses).of(losses()).empty())
    return "it is about losses " + d.losses.describe() + ", and the subject supports none of them";
  if (c.fixed_model && !d.losses.admits(c.fixed_model->objective_loss()))
    return "it is about losses " + d.losses.describe() + ", and the subject's model uses " +
           c.fixed_model->objective_loss().name();
  if (d.optimizer && c.optimizer && *d.optimizer != *c.optimizer)
    return std::string("it is about ") + (*d.optimizer == update_rule::family::sgd ? "SGD" : "Adam") +
           " steps, and the subject computes " + (*c.optimizer == update_rule::family::sgd ? "SGD" : "Adam") +
           " steps";
  if (d.hands_loss_scale && !c.step_scales_loss)
    return "it is about loss scaling (S ≠ 1, overflowed gradients), and the subject takes no loss "
           "scale (capabilities::step_scales_loss = false)";
  if (c.fixed_model && d.axis != variant_axis::activation)
    return "it draws its own models (not activation problems), and the subject is written for "
           "one model";
  return "";
}

/// Why a law cannot run on a module gradlaws does not know, or "": it must take batch
/// gradients, need no evaluation of the model by gradlaws, hold on the subject's own model, and
/// the subject must run in double and float (the two-precision rule).
template <class Subject> std::string opaque_mismatch(const Subject &s, const law_domain &d) {
  if (!std::is_same_v<Subject, gradient_subject>)
    return "a module gradlaws does not know is checked through batch gradients only";
  if (d.evaluates_model)
    return "it evaluates the model with gradlaws's own code, and gradlaws cannot evaluate the "
           "subject's module";
  if (!d.families.empty() || d.one_example)
    return "it is about models of its own family, not the subject's module";
  if (!s.template runs_on<double>() || !s.template runs_on<float>())
    return "a module gradlaws does not know is judged by the two-precision rule, which runs the "
           "subject in double and in float";
  return "";
}

template <class Subject>
law_plan variants_for(const Subject &s, const law_domain &d,
                      const std::shared_ptr<const capabilities> &c) {
  law_plan p;
  if (p.left_out = mismatch(d, *c); !p.left_out.empty()) return p;
  if (c->fixed_model && is_opaque(*c->fixed_model)) {
    p.left_out = opaque_mismatch(s, d);
    if (p.left_out.empty()) p.variants.push_back(variant{.within = c, .on = rung::machine});
    return p;
  }
  if (c->fixed_model) {
    // A law about a model family of its own holds on another model only where it also holds
    // for a batch of one (and then runs on batches of one).
    if (!d.families.empty() && !d.one_example) {
      p.left_out = "it is about models of its own family, not the subject's one model";
      return p;
    }
    if (d.one_example && c->batch.min > 1) {
      p.left_out = "on another model than its own it holds for batches of one example, and the "
                   "subject accepts " + c->batch.describe("N");
      return p;
    }
    const bool exact_ok = c->fixed_model->supports(rung::exact);
    const bool high_ok = c->fixed_model->supports(rung::high);
    on_subject_rungs(p.variants, s, d, variant{.within = c, .one_example = d.one_example},
                     exact_ok, high_ok);
  } else {
    std::vector<std::string> refused;
    for (variant v : variants_of(d)) {
      if (v.act && !c->activations.admits(*v.act)) {
        refused.push_back(v.act->name());
        continue;
      }
      if (v.layer && *v.layer && !c->layers.admits(**v.layer)) {
        refused.push_back((*v.layer)->name());
        continue;
      }
      if (!v.on && !v.reduction_name.empty()) {
        // A reduction variant fixes its own rung inside its cases (exact for the affine one):
        // it runs there when the subject does, and in the machine formats.
        v.within = c;
        on_subject_rungs(p.variants, s, d, v, true, false);
        continue;
      }
      if (!v.on || *v.on == rung::machine || *v.on == rung::interval) continue;
      v.within = c;
      const bool on_exact = *v.on == rung::exact;
      // A variant fixes its rung; an activation variant's batches also run in the machine
      // formats (the same activation in double and float).
      if (!v.act) {
        if (runs_on_rung(s, *v.on)) p.variants.push_back(v);
        continue;
      }
      law_domain machine_only = d;
      if (!on_exact && v.act->supports(rung::exact)) machine_only.formats.clear();
      // The rung itself only where a loss the subject and the law both admit runs on it.
      const bool losses_here = !(c->losses & d.losses).of(losses_on(*v.on)).empty();
      on_subject_rungs(p.variants, s, machine_only, v, on_exact && losses_here,
                       !on_exact && losses_here);
    }
    // A law over nothing but the rung runs in the machine formats too (the catalogue's own
    // machine variants, if any, were skipped above: a user's subject runs in its formats).
    if (d.axis == variant_axis::rung) on_subject_rungs(p.variants, s, d, variant{.within = c}, false, false);
    if (p.variants.empty() && !refused.empty())
      p.left_out = "it ranges over activations or layers the subject does not support (" +
                   c->describe() + ")";
  }
  // One variant per name: an activation on exact and high gives its machine variants once.
  std::vector<variant> unique;
  for (const variant &v : p.variants)
    if (std::none_of(unique.begin(), unique.end(), [&](const variant &u) { return u.name() == v.name(); }))
      unique.push_back(v);
  p.variants = std::move(unique);
  if (p.variants.empty() && p.left_out.empty())
    p.left_out = "none of its variants is on a rung the subject runs on";
  return p;
}

/// A pipeline law's variants: a law of the subject's family (its layouts are that family's)
/// runs as it is; a law over every strategy runs with the family's first correct convention.
law_plan pipeline_variants_for(const pipeline_subject &s, const property_info &info,
                               strategy_family family, const std::shared_ptr<const capabilities> &c) {
  law_plan p;
  if (c->fixed_model && is_opaque(*c->fixed_model)) {
    p.left_out = "a module gradlaws does not know is checked through batch gradients only";
    return p;
  }
  if (p.left_out = mismatch(info.domain, *c); !p.left_out.empty()) return p;
  const bool same_family = info.domain.layouts == family;
  for (const variant &v : variants_of(info.domain)) {
    if (v.strat && v.strat->info().family == family && v.strat->info().correct_weights) {
      on_subject_rungs(p.variants, s, info.domain, variant{.strat = v.strat, .within = c}, true, false);
      break;
    }
    if (same_family && !v.strat) {
      on_subject_rungs(p.variants, s, info.domain, variant{.within = c}, true, false);
      break;
    }
  }
  if (p.variants.empty())
    p.left_out = info.domain.layouts
                     ? "it draws " + std::string(to_string(*info.domain.layouts)) +
                           " layouts, and the subject is a " + std::string(to_string(family)) +
                           " pipeline"
                     : "it is not about pipelines of the subject's family (" +
                           std::string(to_string(family)) + ")";
  return p;
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

template <class Subject> std::vector<const plan_law<Subject> *> sorted_laws() {
  std::vector<const plan_law<Subject> *> laws;
  for (const auto &l : plan_laws<Subject>()) laws.push_back(&l);
  std::sort(laws.begin(), laws.end(),
            [](const auto *a, const auto *b) { return a->info.name < b->info.name; });
  return laws;
}

template <class Subject> struct planned_law {
  const plan_law<Subject> *law;
  law_plan plan;
};

template <class Subject>
std::vector<planned_law<Subject>> planned(const Subject &s, const check_options &o) {
  bool any = false;
  for (rung r : {rung::exact, rung::high, rung::machine}) any = any || runs_on_rung(s, r);
  if (!any)
    throw error("the subject '" + s.name() + "' has no callable: give it a function written "
                "generically over the scalar, or for double or float (a training step's "
                "subject: or for bfloat16 or float16)");
  if constexpr (std::is_same_v<Subject, pipeline_subject>) {
    if (!o.pipeline)
      throw error("checking the pipeline '" + s.name() + "' needs check_options::pipeline: "
                  "its layouts' kind (accumulation, replica or token)");
  } else if constexpr (std::is_same_v<Subject, optimizer_subject> ||
                       std::is_same_v<Subject, training_step_subject>) {
    if (!s.supported().optimizer)
      throw error("checking the optimizer '" + s.name() + "' needs the family of update rules it "
                  "computes: supports({.optimizer = update_rule::family::sgd}) or ::adam");
  } else if constexpr (std::is_same_v<Subject, clipping_subject>) {
    const double eps = s.supported().clipping_epsilon;
    if (!(eps >= 0) || !std::isfinite(eps))
      throw error("the clipping rule '" + s.name() + "' declares clipping_epsilon = " +
                  std::to_string(eps) + "; give a finite ε ≥ 0");
  }
  if (o.pipeline && !std::is_same_v<Subject, pipeline_subject>) {
    throw error("check_options::pipeline is for pipeline subjects; '" + s.name() +
                "' is not one (a pipeline subject takes a layout: make_pipeline_subject)");
  }
  std::vector<std::string> law_names;
  for (const auto *l : sorted_laws<Subject>()) law_names.push_back(l->info.name);
  require_known(o.laws, law_names, "law for this kind of subject");
  const auto caps = capabilities_of(s, o);
  std::vector<planned_law<Subject>> out;
  std::vector<std::string> variant_names;
  for (const auto *l : sorted_laws<Subject>()) {
    if (!o.laws.empty() && std::find(o.laws.begin(), o.laws.end(), l->info.name) == o.laws.end())
      continue;
    law_plan p;
    if constexpr (std::is_same_v<Subject, pipeline_subject>)
      p = pipeline_variants_for(s, l->info, *o.pipeline, caps);
    else
      p = variants_for(s, l->info.domain, caps);
    for (const variant &v : p.variants) variant_names.push_back(v.name());
    if (!o.variants.empty())
      std::erase_if(p.variants, [&](const variant &v) {
        return std::find(o.variants.begin(), o.variants.end(), v.name()) == o.variants.end();
      });
    out.push_back({l, std::move(p)});
  }
  require_known(o.variants, variant_names, "variant this subject runs on");
  return out;
}

template <class Subject>
std::vector<plan_entry> explain_plan_of(const Subject &s, const check_options &o) {
  std::vector<plan_entry> out;
  for (const auto &[l, p] : planned(s, o)) {
    plan_entry e{l->info.name, {}, p.left_out};
    for (const variant &v : p.variants) e.variants.push_back(v.name());
    out.push_back(std::move(e));
  }
  return out;
}

template <class Subject>
std::vector<std::pair<std::string, std::string>> plan_of(const Subject &s, const check_options &o) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const plan_entry &e : explain_plan_of(s, o))
    for (const std::string &v : e.variants) out.emplace_back(e.law, v);
  return out;
}

/// check_options::jobs, or GRADLAWS_JOBS (a positive integer), or 1.
int jobs_of(const check_options &o) {
  if (o.jobs < 0)
    throw error("check_options::jobs = " + std::to_string(o.jobs) +
                "; give 1 or more (0: GRADLAWS_JOBS, else 1)");
  if (o.jobs > 0) return o.jobs;
  const char *env = std::getenv("GRADLAWS_JOBS");
  if (!env || !*env) return 1;
  int n = 0;
  const std::string_view text(env);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1)
    throw error("GRADLAWS_JOBS='" + std::string(text) + "' is not a positive number of processes");
  return n;
}

template <class Subject> std::vector<run_result> check_of(const Subject &s, const check_options &o) {
  const run_options opt = o.run ? *o.run : options_from_environment();
  std::vector<std::pair<const plan_law<Subject> *, variant>> pairs;
  for (const auto &[l, p] : planned(s, o))
    for (const variant &v : p.variants) pairs.emplace_back(l, v);
  auto run = [&](std::size_t i) {
    const auto &[l, v] = pairs[i];
    // The RapidCheck id (and so the reproduce key) names the subject, the law and the variant.
    const std::string test = subject_identifier(s.name()) + "/" + l->info.name + "." + v.name();
    run_options here = opt;
    if (here.rerun.empty())
      here.rerun = "(run the same check of '" + s.name() + "' with this in the environment)";
    return l->run(s, v, test, here);
  };
  std::vector<run_result> out(pairs.size());
  const int jobs = jobs_of(o);
  if (jobs == 1 || pairs.size() < 2) {
    for (std::size_t i = 0; i < pairs.size(); ++i) out[i] = run(i);
    return out;
  }
  // Each pair runs from its own seed, so a worker's result is the one this process would get.
  detail::run_items(
      pairs.size(), jobs, [&](std::size_t i) { return detail::item_output{result_json(run(i))}; },
      [&](std::size_t i, const detail::item_output &r) { out[i] = read_result_json(r.at(0)); });
  return out;
}

template <class Subject> std::vector<std::string> names_of() {
  std::vector<std::string> out;
  for (const auto *l : sorted_laws<Subject>()) out.push_back(l->info.name);
  return out;
}

} // namespace

std::string describe_plan(const std::string &subject, const capabilities &c,
                          const std::vector<plan_entry> &plan) {
  std::string s = "plan for '" + subject + "' (" + c.describe() + ")\n";
  for (const plan_entry &e : plan) {
    s += "  " + e.law + ": ";
    if (e.variants.empty()) {
      s += "left out: " + e.left_out + "\n";
      continue;
    }
    for (std::size_t i = 0; i < e.variants.size(); ++i) s += (i ? ", " : "") + e.variants[i];
    s += "\n";
  }
  return s;
}

run_result check_case(const gradient_subject &s, const problem &p, const check_options &o) {
  if (o.laws.size() != 1 || o.variants.size() != 1)
    throw error("check_case replays one law on one variant: name them in check_options::laws and "
                "check_options::variants (the drafted test does)");
  const auto laws = planned(s, o);
  if (laws.size() != 1 || laws[0].plan.variants.size() != 1)
    throw error("the law " + o.laws[0] + " does not run on '" + s.name() + "' in variant " +
                o.variants[0] + (laws.empty() ? "" : ": " + laws[0].plan.left_out));
  const auto &[l, plan] = laws[0];
  if (!l->run_case)
    throw error("the law " + l->info.name + " draws cases of its own kind, not problems: it "
                "cannot replay a given case");
  p.validate();
  run_options opt = o.run ? *o.run : options_from_environment();
  const variant &v = plan.variants[0];
  return l->run_case(s, v, p, subject_identifier(s.name()) + "/" + l->info.name + "." + v.name(),
                     opt);
}

#define GRADLAWS_CHECKS_FOR(Subject, kind_name)                                                 \
  std::vector<plan_entry> explain_plan(const Subject &s, const check_options &o) {            \
    return explain_plan_of(s, o);                                                             \
  }                                                                                           \
  std::vector<std::pair<std::string, std::string>> plan(const Subject &s,                     \
                                                        const check_options &o) {             \
    return plan_of(s, o);                                                                     \
  }                                                                                           \
  std::vector<run_result> check(const Subject &s, const check_options &o) {                   \
    return check_of(s, o);                                                                    \
  }                                                                                           \
  std::vector<std::string> laws_for_##kind_name##_subjects() { return names_of<Subject>(); }
GRADLAWS_CHECKS_FOR(gradient_subject, gradient)
GRADLAWS_CHECKS_FOR(backward_subject, backward)
GRADLAWS_CHECKS_FOR(pipeline_subject, pipeline)
GRADLAWS_CHECKS_FOR(clipping_subject, clipping)
GRADLAWS_CHECKS_FOR(optimizer_subject, optimizer)
GRADLAWS_CHECKS_FOR(accumulation_subject, accumulation)
GRADLAWS_CHECKS_FOR(training_step_subject, training_step)
#undef GRADLAWS_CHECKS_FOR

} // namespace gradlaws
