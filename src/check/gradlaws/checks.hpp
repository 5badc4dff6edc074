#pragma once
// Checking the user's code: hand gradlaws a subject (gradlaws/subject.hpp) and it runs every
// law of the catalogue written over that kind of subject, with gradlaws's generators and
// shrinkers, and returns the same results the catalogue reports.
//
//   auto mine = gradlaws::make_gradient_subject("my backprop", my_gradient);
//   for (const gradlaws::run_result &r : gradlaws::check(mine))
//     if (!r.passed) std::cout << gradlaws::render_text(r);
//
// Which rungs run: a subject written generically over the scalar runs on the exact and high
// rungs (the laws compare its results with each other and with the reverse-mode oracle) and
// on the machine rung; one written for double or float runs on the machine rung only, where
// the two sides it computes are compared with each other under the sum of their rounding
// bounds, derived from the computation with the subject's own activations if it declares them
// (the law verdict), and each with the exact value (the accuracy verdict; gradlaws/verdict.hpp).
// Code whose model gradlaws does not know (gradlaws/opaque.hpp) is judged by the two-precision
// rule instead.
//
// For GoogleTest, gradlaws/gtest.hpp runs a check inside a test and reports each failing law.

#include "gradlaws/catalogue.hpp"
#include "gradlaws/problem.hpp"
#include "gradlaws/subject.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gradlaws {

struct check_options {
  /// Cases, seed, digits, …; unset: options_from_environment() (RC_PARAMS, GRADLAWS_DIGITS).
  std::optional<run_options> run;
  /// Only these laws (empty: every law that applies). Unknown names are an error.
  std::vector<std::string> laws;
  /// Only these variants, e.g. "sigmoid_double" (empty: every variant the subject runs on).
  std::vector<std::string> variants;
  /// The one model the subject is written for: the laws draw θ and batches for it only, and
  /// the variants are the rungs alone ("exact", "high", "double", "float"). Unset: the
  /// subject's own declaration (subject::supports), else the laws draw models too.
  std::optional<model> fixed_model;
  /// Pipelines: what the groups of a layout are (micro-batches, replica shards, sequences of
  /// tokens). Required for a pipeline subject, which is checked on that family's layouts.
  std::optional<strategy_family> pipeline;
  /// Worker processes that run the (law, variant) pairs side by side; the results are the
  /// same, in the same order, as with one. 0: GRADLAWS_JOBS from the environment, else 1.
  int jobs = 0;
};

/// One law of a subject's plan: the variants it runs on, or why it was left out. The plan is
/// the law's domain intersected with the subject's capabilities (gradlaws/domain.hpp).
struct plan_entry {
  std::string law;
  std::vector<std::string> variants; ///< empty when left out
  std::string left_out;              ///< why, when left out
};
/// Every law over the subject's kind with its variants or the reason it was left out, for
/// the rungs the subject has callables for and the capabilities it declares.
std::vector<plan_entry> explain_plan(const gradient_subject &s, const check_options &o = {});
std::vector<plan_entry> explain_plan(const backward_subject &s, const check_options &o = {});
/// Pipelines: the laws over pipelines, on the layouts of o.pipeline's family, each against the
/// full-batch gradient; a falsified case carries the pipeline's probed weights and the
/// registered conventions they match (gradlaws/diagnosis.hpp).
std::vector<plan_entry> explain_plan(const pipeline_subject &s, const check_options &o);
/// Clipping rules: the laws of clipping (the training step's family), on drawn gradients and
/// thresholds, each against gradlaws's clip_by_norm as the machine rung's reference.
std::vector<plan_entry> explain_plan(const clipping_subject &s, const check_options &o = {});
/// Optimizers: the laws of optimizer steps for the family the subject declares
/// (capabilities::optimizer), on drawn rules of that family, states and gradients, each
/// against gradlaws's step() as the machine rung's reference.
std::vector<plan_entry> explain_plan(const optimizer_subject &s, const check_options &o = {});
/// Gradient accumulation: the law that K micro-batch gradients accumulate to their mean, on the
/// exact rung and in every machine format the subject is written for (bfloat16 and float16
/// included), against gradlaws's accumulate_mean (a float buffer for 16-bit pieces).
std::vector<plan_entry> explain_plan(const accumulation_subject &s, const check_options &o = {});
/// Training steps: the laws of the whole step (split invariance, loss-scale invariance, the
/// skipped step on overflow) for SGD steps, against gradlaws's training_step().
std::vector<plan_entry> explain_plan(const training_step_subject &s, const check_options &o = {});
/// The plan as text: one line per law, what it runs on or why it was left out, under a line
/// naming the subject and its capabilities.
std::string describe_plan(const std::string &subject, const capabilities &c,
                          const std::vector<plan_entry> &plan);

/// The (law, variant) pairs check() would run on a subject (explain_plan, flattened).
std::vector<std::pair<std::string, std::string>> plan(const gradient_subject &s,
                                                      const check_options &o = {});
std::vector<std::pair<std::string, std::string>> plan(const backward_subject &s,
                                                      const check_options &o = {});
std::vector<std::pair<std::string, std::string>> plan(const pipeline_subject &s,
                                                      const check_options &o);
std::vector<std::pair<std::string, std::string>> plan(const clipping_subject &s,
                                                      const check_options &o = {});
std::vector<std::pair<std::string, std::string>> plan(const optimizer_subject &s,
                                                      const check_options &o = {});
std::vector<std::pair<std::string, std::string>> plan(const accumulation_subject &s,
                                                      const check_options &o = {});
std::vector<std::pair<std::string, std::string>> plan(const training_step_subject &s,
                                                      const check_options &o = {});

/// Runs every applicable law on the subject; one result per (law, variant). Throws
/// gradlaws::error for a subject with no callable, or an unknown law or variant name.
std::vector<run_result> check(const gradient_subject &s, const check_options &o = {});
std::vector<run_result> check(const backward_subject &s, const check_options &o = {});
std::vector<run_result> check(const pipeline_subject &s, const check_options &o);
std::vector<run_result> check(const clipping_subject &s, const check_options &o = {});
std::vector<run_result> check(const optimizer_subject &s, const check_options &o = {});
std::vector<run_result> check(const accumulation_subject &s, const check_options &o = {});
std::vector<run_result> check(const training_step_subject &s, const check_options &o = {});

/// Runs one law on one variant of the subject (o.laws and o.variants name one each) on the
/// given case instead of drawn ones: how a regression test drafted from a failure of the
/// subject replays its shrunk case. Throws gradlaws::error when the law does not run on the
/// subject in that variant, or draws cases that are not problems.
run_result check_case(const gradient_subject &s, const problem &p, const check_options &o);

/// The names of the laws offered to a kind of subject (before its capabilities).
std::vector<std::string> laws_for_gradient_subjects();
std::vector<std::string> laws_for_backward_subjects();
std::vector<std::string> laws_for_pipeline_subjects();
std::vector<std::string> laws_for_clipping_subjects();
std::vector<std::string> laws_for_optimizer_subjects();
std::vector<std::string> laws_for_accumulation_subjects();
std::vector<std::string> laws_for_training_step_subjects();

} // namespace gradlaws
