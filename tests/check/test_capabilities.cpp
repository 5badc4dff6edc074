// A subject says what it supports, and a plan is the laws' domains intersected with it:
// generators draw only within the subject's capabilities, and every law left out says why.

#include <gradlaws/checks.hpp>
#include <gradlaws/property.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "support.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

namespace gradlaws {
namespace {

check_options few(int cases = 30) {
  run_options r;
  r.cases = cases;
  r.seed = 11;
  return {.run = r};
}

/// A libtorch-style BatchNorm step: gradlaws's own gradient, but a batch of one in training
/// mode is refused as PyTorch refuses it ("Expected more than 1 value per channel").
gradient_subject refusing_batchnorm(std::atomic<std::size_t> &smallest) {
  return make_gradient_subject(
      "BatchNorm step", [&smallest]<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                              const mat<T> &y, const reduction &r) -> vec<T> {
        for (std::size_t n = smallest; std::size_t(x.cols()) < n;)
          if (smallest.compare_exchange_weak(n, std::size_t(x.cols()))) break;
        if (x.cols() < 2) throw error("Expected more than 1 value per channel when training");
        return gradient<T>(m, theta, x, y, r);
      });
}

model batchnorm_model() {
  return make_normalised_mlp(2, {2}, {"tanh"}, 1, "mse", normalisation::batch_norm);
}

TEST(Capabilities, ASubjectDeclaringTwoOrMoreExamplesNeverReceivesOne) {
  std::atomic<std::size_t> smallest{1000};
  gradient_subject bn = refusing_batchnorm(smallest);
  bn.supports({.fixed_model = std::make_shared<const model>(batchnorm_model()), .batch = {.min = 2}});
  const auto results = check(bn, few());
  ASSERT_GE(results.size(), 4u);
  for (const run_result &r : results) EXPECT_TRUE(r.passed) << render_text(r);
  EXPECT_GE(smallest.load(), 2u);
  // Undeclared, the same step is handed a batch of one and fails.
  std::atomic<std::size_t> undeclared{1000};
  gradient_subject plain = refusing_batchnorm(undeclared);
  check_options o = few();
  o.fixed_model = batchnorm_model();
  const auto failing = check(plain, o);
  EXPECT_TRUE(std::any_of(failing.begin(), failing.end(), [](const run_result &r) { return !r.passed; }));
  EXPECT_EQ(undeclared.load(), 1u);
}

TEST(Capabilities, ThePlanSaysWhyALawWasLeftOut) {
  std::atomic<std::size_t> smallest{1000};
  gradient_subject bn = refusing_batchnorm(smallest);
  capabilities c{.fixed_model = std::make_shared<const model>(batchnorm_model()), .batch = {.min = 2}};
  bn.supports(c);
  const auto plan = explain_plan(bn);
  const auto find = [&](const std::string &law) {
    const auto it = std::find_if(plan.begin(), plan.end(), [&](const plan_entry &e) { return e.law == law; });
    EXPECT_NE(it, plan.end()) << law;
    return it == plan.end() ? plan_entry{} : *it;
  };
  EXPECT_MESSAGE(find("linearity").left_out, "batch-coupled");
  EXPECT_FALSE(find("permutation_invariance").variants.empty());
  EXPECT_FALSE(find("oracle_agreement").variants.empty());
  const std::string text = describe_plan(bn.name(), c, plan);
  EXPECT_MESSAGE(text, "N ≥ 2");
  EXPECT_MESSAGE(text, "linearity: left out: it does not hold for batch-coupled models");
  // Uncoupled but refusing batches of one: the laws that take per-example gradients go.
  gradient_subject two(make_gradient_subject("two or more", [](const model &m, const vec<double> &t,
                                                               const mat<double> &x, const mat<double> &y,
                                                               const reduction &r) {
    return gradient<double>(m, t, x, y, r);
  }));
  two.supports({.batch = {.min = 2}});
  for (const plan_entry &e : explain_plan(two))
    if (e.law == "linearity") EXPECT_MESSAGE(e.left_out, "per-example gradients");
}

/// A pipeline that computes two activations only, and records every model it is handed.
struct recording_pipeline {
  std::shared_ptr<std::set<std::string>> seen = std::make_shared<std::set<std::string>>();
  std::shared_ptr<std::mutex> lock = std::make_shared<std::mutex>();
  pipeline_subject subject() const {
    return make_pipeline_subject(
        "relu-or-tanh accumulation", [s = seen, l = lock]<class T>(const model &m, const vec<T> &theta,
                                                                   const mat<T> &x, const mat<T> &y,
                                                                   const layout &lay) -> vec<T> {
          for (const auto &layer : m.layers())
            if (const auto *a = dynamic_cast<const activation_layer *>(layer.get())) {
              const std::lock_guard<std::mutex> g(*l);
              s->insert(a->fn().name());
              if (a->fn().name() != "relu" && a->fn().name() != "tanh")
                throw error("this framework has no " + a->fn().name());
            }
          return find_strategy("accumulate_weighted").gradient<T>(m, theta, x, y, lay);
        });
  }
};

TEST(Capabilities, APipelineLimitedToTwoActivationsRunsOnThoseOnly) {
  recording_pipeline rec;
  pipeline_subject mine = rec.subject();
  mine.supports({.activations = selection<activation>::named({"relu", "tanh"})});
  check_options o = few(60);
  o.pipeline = strategy_family::accumulation;
  const auto results = check(mine, o);
  ASSERT_FALSE(results.empty());
  for (const run_result &r : results) EXPECT_TRUE(r.passed) << render_text(r);
  ASSERT_FALSE(rec.seen->empty());
  for (const std::string &a : *rec.seen) EXPECT_TRUE(a == "relu" || a == "tanh") << a;
  // Undeclared, the same code is handed other activations and fails.
  recording_pipeline other;
  bool failed = false;
  for (const run_result &r : check(other.subject(), o)) failed = failed || !r.passed;
  EXPECT_TRUE(failed);
  EXPECT_GT(other.seen->size(), 2u);
}

TEST(Capabilities, ALayerKindTheSubjectDoesNotSupportIsNotDrawn) {
  gradient_subject plain = backprop_subject();
  plain.supports({.layers = selection<layer_kind>::named({"layer_norm"})});
  for (const plan_entry &e : explain_plan(plain))
    if (e.law == "normalisation_oracle_agreement")
      EXPECT_EQ(e.variants, std::vector<std::string>{"layer_norm_high"});
  plain.supports({.layers = selection<layer_kind>::none()});
  for (const plan_entry &e : explain_plan(plain))
    if (e.law == "normalisation_oracle_agreement") EXPECT_MESSAGE(e.left_out, "layers none");
}

TEST(Capabilities, ACombinedLossIsHandedWithItsParts) {
  // Code that knows only registered losses: it differentiates a combination term by term, as
  // a framework sums its losses, and reads the parts without parsing a display name.
  const auto by_terms = make_gradient_subject(
      "loss by terms", []<class T>(const model &m, const vec<T> &theta, const mat<T> &x,
                                   const mat<T> &y, const reduction &r) -> vec<T> {
        vec<T> g = vec<T>::Zero(theta.size());
        for (const loss_term &t : m.objective_loss().terms()) {
          if (t.part != &find_loss(t.part->name())) throw error("not a registered loss");
          g += from_exact<T>(t.weight) * gradient<T>(m.with_loss(*t.part), theta, x, y, r);
        }
        return g;
      });
  check_options o = few();
  o.laws = {"loss_linearity"};
  const auto results = check(by_terms, o);
  ASSERT_FALSE(results.empty());
  for (const run_result &r : results) EXPECT_TRUE(r.passed) << render_text(r);
}

TEST(Capabilities, APlantedLawRunThroughTheEntryApiNeverReachesCheck) {
  const std::vector<std::string> before = laws_for_gradient_subjects();
  property_info info{.name = "planted_entry_law", .kind = entry_kind::law, .family = "test",
                     .claim = "c", .formula = "f", .lhs = "l", .rhs = "r"};
  const entry e = make_entry(
      make_law<gradient_subject, problem>(
          info, [](const variant &v) { return gen::problems(options_for(v)); },
          []<class T>(const gradient_subject &g, const problem &p) -> sides<T> {
            const auto l = lift<T>(p);
            return {g.on<T>()(p.m, l.theta, l.x, l.y, reduction::mean()),
                    g.on<T>()(p.m, l.theta, l.x, l.y, reduction::sum())};
          }),
      [](const variant &) { return backprop_subject(); });
  EXPECT_FALSE(e.variants().empty());
  EXPECT_EQ(laws_for_gradient_subjects(), before);
  for (const auto &[law, v] : plan(backprop_subject())) EXPECT_NE(law, "planted_entry_law");
}

} // namespace
} // namespace gradlaws
