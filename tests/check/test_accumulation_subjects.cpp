// A user's gradient accumulation as a subject: accumulating 16-bit micro-batch gradients in a
// float buffer passes in every format; accumulating them in bfloat16 is caught on bfloat16 with
// the number of micro-batches it takes; a wrong divisor is caught on the exact rung and in
// double. The machine rung knows the 16-bit formats: a subject runs there when it is written
// for them.

#include <gradlaws/checks.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"

#include <set>

namespace gradlaws {
namespace {

using bf16 = Eigen::bfloat16;

check_options accumulation_options() {
  run_options r;
  r.cases = 100;
  r.seed = 11;
  return {.run = r};
}

/// Accumulation as a mixed-precision loop writes it: a float buffer, one rounding at the end.
template <class F> vec<F> float_buffer(const std::vector<vec<F>> &pieces) {
  Eigen::VectorXf sum = Eigen::VectorXf::Zero(pieces.front().size());
  for (const vec<F> &p : pieces) sum += p.template cast<float>();
  return (sum / float(pieces.size())).template cast<F>();
}

/// The same loop with the buffer in the pieces' own format (a `.grad` in bfloat16).
template <class F> vec<F> in_place(const std::vector<vec<F>> &pieces) {
  vec<F> sum = vec<F>::Zero(pieces.front().size());
  for (const vec<F> &p : pieces) sum += p;
  return sum / F(float(pieces.size()));
}

std::set<std::string> variants_of(const std::vector<run_result> &results) {
  std::set<std::string> v;
  for (const run_result &r : results) v.insert(r.variant);
  return v;
}

TEST(AccumulationSubjects, AFloatBufferPassesInEveryFormatItIsWrittenFor) {
  accumulation_subject s("float buffer");
  s.set<float>([](const std::vector<vec<float>> &p) { return float_buffer(p); });
  s.set<bf16>([](const std::vector<vec<bf16>> &p) { return float_buffer(p); });
  s.set<Eigen::half>([](const std::vector<vec<Eigen::half>> &p) { return float_buffer(p); });
  const auto results = check(s, accumulation_options());
  EXPECT_EQ(variants_of(results), (std::set<std::string>{"bfloat16", "float16", "float"}))
      << "double is where a float buffer loses bits: see the next test";
  EXPECT_EQ(testing_support::failures(results, 100), "");
}

TEST(AccumulationSubjects, AFloatBufferForDoublePiecesIsCaughtInDouble) {
  accumulation_subject s("float buffer");
  s.set<double>([](const std::vector<vec<double>> &p) { return float_buffer(p); });
  const auto results = check(s, accumulation_options());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results.front().passed) << render_text(results.front());
}

TEST(AccumulationSubjects, ABfloat16BufferIsCaughtInBfloat16WithTheNumberOfMicroBatches) {
  accumulation_subject s("bfloat16 .grad buffer");
  s.set<bf16>([](const std::vector<vec<bf16>> &p) { return in_place(p); });
  const auto results = check(s, accumulation_options());
  ASSERT_EQ(results.size(), 1u);
  const run_result &r = results.front();
  EXPECT_EQ(r.variant, "bfloat16");
  ASSERT_FALSE(r.passed);
  EXPECT_TRUE(testing_support::contains(r.counterexample, "micro-batches")) << r.counterexample;
  EXPECT_TRUE(testing_support::contains(render_text(r), "beyond rounding (bfloat16)")) << render_text(r);
}

TEST(AccumulationSubjects, AWrongDivisorIsCaughtOnTheExactRung) {
  const auto s = make_accumulation_subject("divides by K + 1", []<class T>(const std::vector<vec<T>> &p) {
    vec<T> sum = p.front();
    for (std::size_t k = 1; k < p.size(); ++k) sum += p[k];
    return vec<T>(sum / T(int(p.size() + 1)));
  });
  const auto results = check(s, accumulation_options());
  // A generic subject runs on every rung of the law: exact and the four formats.
  EXPECT_EQ(variants_of(results), (std::set<std::string>{"exact", "double", "float", "bfloat16", "float16"}));
  for (const run_result &r : results)
    EXPECT_FALSE(r.passed) << r.variant << "\n" << render_text(r);
}

TEST(AccumulationSubjects, AResultOfAnotherLengthIsRefusedByName) {
  accumulation_subject s("drops a component");
  s.set<double>([](const std::vector<vec<double>> &p) { return vec<double>(p.front().head(p.front().size() - 1)); });
  const auto results = check(s, accumulation_options());
  ASSERT_FALSE(results.empty());
  EXPECT_TRUE(testing_support::contains(render_text(results.front()), "micro-batch gradients of"))
      << render_text(results.front());
}

} // namespace
} // namespace gradlaws
