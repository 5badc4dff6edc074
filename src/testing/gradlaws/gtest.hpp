#pragma once
// GoogleTest glue for checking the user's code: runs check() (gradlaws/checks.hpp) inside the
// current test and adds one GoogleTest failure per law and variant that did not pass, with its
// full report — the shrunk counterexample, both sides, the verdict and its bound, and a
// reproduce line that reruns this test of this binary.
//
//   TEST(MyGradient, ObeysTheLaws) {
//     GRADLAWS_EXPECT_LAWS(gradlaws::make_gradient_subject("my gradient", my_gradient));
//   }
//   TEST(MyAccumulation, ObeysTheLaws) {
//     GRADLAWS_EXPECT_LAWS(gradlaws::make_pipeline_subject("my step", my_step),
//                          {.pipeline = gradlaws::strategy_family::accumulation});
//   }
//
// Every kind of subject check() takes is accepted, with the same options. An activation,
// loss or layer kind is a registry entry rather than a subject: register it (see
// gradlaws/activation.hpp, loss.hpp, norm_layers.hpp) and GRADLAWS_EXPECT_LAWS_OF runs every
// catalogue law whose domain admits it, on its variants.
//
// Link gradlaws::gtest_main for a main() that also checks RC_PARAMS before any test runs.

#include "gradlaws/checks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gradlaws {

/// check(s, o) reported to GoogleTest at file:line; returns the results.
std::vector<run_result> expect_laws_at(const char *file, int line, const gradient_subject &s,
                                       check_options o = {});
std::vector<run_result> expect_laws_at(const char *file, int line, const backward_subject &s,
                                       check_options o = {});
std::vector<run_result> expect_laws_at(const char *file, int line, const pipeline_subject &s,
                                       check_options o);
std::vector<run_result> expect_laws_at(const char *file, int line, const clipping_subject &s,
                                       check_options o = {});
std::vector<run_result> expect_laws_at(const char *file, int line, const optimizer_subject &s,
                                       check_options o = {});
std::vector<run_result> expect_laws_at(const char *file, int line, const accumulation_subject &s,
                                       check_options o = {});
std::vector<run_result> expect_laws_at(const char *file, int line, const training_step_subject &s,
                                       check_options o = {});
/// Every catalogue entry's variants that name the registered activation, loss or layer kind
/// `name` (e.g. "linearity.my_act_exact"), reported to GoogleTest at file:line: a law must
/// hold, a fallacy must be refuted with its expected shape. Needs the catalogue linked
/// (gradlaws::catalogue); an entry no law ranges over is one failure naming it.
std::vector<run_result> expect_laws_of_entry_at(const char *file, int line, const std::string &name,
                                                run_options o = options_from_environment());

} // namespace gradlaws

/// Checks a subject against every law that applies: GRADLAWS_EXPECT_LAWS(subject[, options]).
#define GRADLAWS_EXPECT_LAWS(...) ::gradlaws::expect_laws_at(__FILE__, __LINE__, __VA_ARGS__)
/// Checks a registered activation, loss or layer kind by name against every catalogue law
/// over it: GRADLAWS_EXPECT_LAWS_OF("my_activation"[, run_options]).
#define GRADLAWS_EXPECT_LAWS_OF(...)                                                          \
  ::gradlaws::expect_laws_of_entry_at(__FILE__, __LINE__, __VA_ARGS__)
