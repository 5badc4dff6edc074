// A language model's training step as its authors write it: a tiny transformer block (token
// ids through an nn::Embedding, learned positions, one head of causal self-attention, LayerNorm) with a language-
// model head of C logits per token, class-index targets with an ignore index, and the loss
// taken over the N·T tokens by libtorch's own cross_entropy. Checked as a module of one
// architecture by every law that needs no reference model.

#include <gradlaws/checks.hpp>
#include <gradlaws/report.hpp>
#include <gradlaws/torch.hpp>

#include <gtest/gtest.h>

#include "results_support.hpp"
#include "support.hpp"

namespace gradlaws {
namespace {
namespace lt = gradlaws::libtorch;
namespace F = ::torch::nn::functional;
using ::torch::Tensor;

/// T tokens per example (one sequence), ids in 0..V-1, H hidden units, C classes.
struct TinyLmImpl : ::torch::nn::Module {
  static constexpr std::int64_t T = 3, V = 5, H = 4, C = 3;
  ::torch::nn::Embedding embed{register_module("embed", ::torch::nn::Embedding(V, H))};
  ::torch::nn::Embedding position{register_module("position", ::torch::nn::Embedding(T, H))};
  ::torch::nn::Linear query{register_module("query", ::torch::nn::Linear(H, H))};
  ::torch::nn::Linear key{register_module("key", ::torch::nn::Linear(H, H))};
  ::torch::nn::Linear value{register_module("value", ::torch::nn::Linear(H, H))};
  ::torch::nn::LayerNorm norm{
      register_module("norm", ::torch::nn::LayerNorm(::torch::nn::LayerNormOptions({H})))};
  ::torch::nn::Linear head{register_module("head", ::torch::nn::Linear(H, C))};

  /// N × T token ids → N × (T·C) logits: token t's C logits at columns t·C … t·C + C - 1.
  Tensor forward(const Tensor &tokens) {
    const std::int64_t n = tokens.size(0);
    const Tensor h = embed(tokens) + position(::torch::arange(T));
    const Tensor scores = ::torch::matmul(query(h), key(h).transpose(1, 2)) / std::sqrt(double(H));
    const Tensor future = ::torch::ones({T, T}, ::torch::kBool).triu(1);
    const Tensor attention = ::torch::softmax(scores.masked_fill(future, -1e9), -1);
    return head(norm(h + ::torch::matmul(attention, value(h)))).reshape({n, T * C});
  }
};
TORCH_MODULE(TinyLm);

/// The language model's loss: cross-entropy with ignore index -100 over T positions.
std::shared_ptr<const loss> lm_loss() {
  static const auto l = make_cross_entropy({.name = "lm_cross_entropy", .positions = TinyLmImpl::T});
  return l;
}

capabilities tiny_lm(bool framework_mean_only = false) {
  capabilities c = lt::module_capabilities(*TinyLm(), "tiny transformer LM", TinyLmImpl::T,
                                           TinyLmImpl::T * TinyLmImpl::C, lm_loss(), TinyLmImpl::V);
  c.framework_mean = !framework_mean_only;
  c.framework_mean_only = framework_mean_only;
  return c;
}

check_options quick(std::vector<std::string> laws = {}, int cases = 20) {
  run_options r;
  r.cases = cases;
  r.seed = 7;
  return {r, std::move(laws), {}};
}

std::string failures(const std::vector<run_result> &results) {
  return testing_support::failures(results, 20);
}

std::vector<std::string> names(const std::vector<run_result> &results) {
  std::vector<std::string> out;
  for (const run_result &r : results) out.push_back(r.entry);
  return out;
}

/// The step as language-model code writes it: logits of every token against its label,
/// libtorch's cross_entropy with its default reduction='mean' over the labelled tokens.
auto lm_step = [](TinyLm &net, const lt::batch &b) {
  net->zero_grad();
  const Tensor logits = net->forward(b.tokens).reshape({-1, TinyLmImpl::C});
  F::cross_entropy(logits, b.y.reshape({-1}), F::CrossEntropyFuncOptions().ignore_index(-100))
      .backward();
};

/// The bug: each sequence's loss normalised by its own labelled tokens, then the sequences
/// averaged (a per-sequence mean where the token mean was meant).
auto per_sequence_step = [](TinyLm &net, const lt::batch &b) {
  net->zero_grad();
  const Tensor logits = net->forward(b.tokens).reshape({-1, TinyLmImpl::C});
  const Tensor per_token =
      F::cross_entropy(logits, b.y.reshape({-1}), F::CrossEntropyFuncOptions().reduction(::torch::kNone))
          .reshape({b.size(), TinyLmImpl::T});
  const Tensor labelled = (b.y != -100).sum(1).clamp_min(1);
  (per_token.sum(1) / labelled).mean().backward();
};

TEST(TorchLanguageModel, TheBlockIsNamedAsItsModuleNamesItAndTakesALabelPerToken) {
  const capabilities c = tiny_lm();
  EXPECT_EQ(c.fixed_model->parameter_count(), 115u);
  EXPECT_EQ(c.fixed_model->parameter_names()[0], "embed.weight[0,0]");
  EXPECT_EQ(c.fixed_model->parameter_names()[20], "position.weight[0,0]");
  EXPECT_EQ(c.fixed_model->vocabulary(), 5u);
  // Its inputs are token ids: the batch hands them as int64, and anything else is refused.
  mat<double> x(3, 1);
  x << 4, 0, 2;
  const lt::batch b =
      lt::detail::gradient_batch<double>(*c.fixed_model, x, mat<double>::Zero(3, 1), reduction::mean());
  EXPECT_EQ(b.tokens.scalar_type(), ::torch::kInt64);
  EXPECT_EQ(b.tokens[0][0].item<std::int64_t>(), 4);
  x(1, 0) = 5;
  EXPECT_MESSAGE(testing_support::message_of<dimension_error>([&] {
                   problem{*c.fixed_model, vec<exact>::Zero(115), x.cast<exact>(),
                           mat<exact>::Zero(3, 1), rung::machine}
                       .validate();
                 }),
                 "input x_1[1] is not a token id in 0..4");
  EXPECT_EQ(c.fixed_model->objective_loss().target_rows(9), 3u);
  mat<double> y(3, 2);
  y << 0, 2, -100, 1, 1, -100;
  const Tensor labels = lt::targets(c.fixed_model->objective_loss(), y);
  EXPECT_EQ(labels.sizes(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(labels[0][1].item<std::int64_t>(), -100);
  EXPECT_EQ(labels[1][0].item<std::int64_t>(), 2);
}

TEST(TorchLanguageModel, TheBridgesTokenLossIsGradlawssLossOverPositions) {
  // Logits of N = 2 sequences of T = 3 tokens against labels with ignored tokens: libtorch's
  // per-example sums and own mean against gradlaws's loss, example by example.
  const Tensor logits = ::torch::linspace(-2, 2, 18, ::torch::kFloat64).reshape({2, 9});
  mat<double> y(3, 2);
  y << 0, 2, -100, 1, 1, -100;
  const Tensor labels = lt::targets(*lm_loss(), y);
  const Tensor per_example = lt::example_losses(*lm_loss(), logits, labels);
  double sum = 0;
  exact count = 0;
  for (int i = 0; i < 2; ++i) {
    vec<double> out(9);
    for (int j = 0; j < 9; ++j) out[j] = logits[i][j].item<double>();
    const double want = lm_loss()->value(out, vec<double>(y.col(i)));
    EXPECT_NEAR(per_example[i].item<double>(), want, 1e-14) << "example " << i;
    sum += want;
    count += lm_loss()->count_of(vec<double>(y.col(i)), 9);
  }
  EXPECT_EQ(count, exact(4));
  EXPECT_NEAR(lt::framework_mean(*lm_loss(), logits, labels).item<double>(), sum / 4, 1e-14);
}

TEST(TorchLanguageModel, AStepThroughTheObjectivePassesEveryLawThatNeedsNoReferenceModel) {
  auto step = [](TinyLm &net, const lt::batch &b) {
    net->zero_grad();
    b.objective(net->forward(b.tokens)).backward();
  };
  const auto results =
      check(lt::make_gradient_subject("tiny LM step", [] { return TinyLm(); }, step, tiny_lm()), quick());
  EXPECT_GE(results.size(), 8u);
  EXPECT_EQ(failures(results), "");
}

TEST(TorchLanguageModel, TheStepAsWrittenPassesTheLawsOfTheLosssOwnMean) {
  const auto s = lt::make_gradient_subject("tiny LM, cross_entropy as written",
                                           [] { return TinyLm(); }, lm_step, tiny_lm(true));
  const auto results = check(s, quick());
  const std::vector<std::string> want{"own_mean_duplication_invariance", "own_mean_linearity",
                                      "own_mean_permutation_invariance"};
  EXPECT_EQ(names(results), want);
  EXPECT_EQ(failures(results), "");
  // The laws that hand gradlaws's reductions are left out, with the reason.
  const std::string plan = describe_plan(s.name(), tiny_lm(true), explain_plan(s));
  EXPECT_MESSAGE(plan, "the subject computes the loss's own mean only");
}

TEST(TorchLanguageModel, NormalisingEachSequenceByItsOwnTokensIsCaughtOnTwoSequences) {
  const auto s = lt::make_gradient_subject("tiny LM, per-sequence mean", [] { return TinyLm(); },
                                           per_sequence_step, tiny_lm(true));
  const auto results = check(s, quick({"own_mean_linearity"}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  // The shrunk batch: two sequences whose labelled token counts differ.
  EXPECT_MESSAGE(results[0].counterexample, "N = 2");
  // The drafted test replays the case on the subject, whose module gradlaws cannot print.
  EXPECT_MESSAGE(results[0].regression, "const model m = *subject.supported().fixed_model;");
  EXPECT_MESSAGE(results[0].regression, "{.laws = {\"own_mean_linearity\"}, .variants = {\"" +
                                            results[0].variant + "\"}}");
}

TEST(TorchLanguageModel, OneCaseReplayedFailsThePerSequenceMeanAndPassesTheTokenMean) {
  // θ = 0: every token has the same logits. Sequence 1 labels one token (class 1), sequence 2
  // three (class 0): a per-sequence mean weighs the lone token 1/2, the token mean 1/4.
  const capabilities c = tiny_lm(true);
  mat<exact> y(3, 2);
  y << 1, 0, -100, 0, -100, 0;
  const problem p{*c.fixed_model, vec<exact>::Zero(115), mat<exact>::Zero(3, 2), y, rung::machine};
  const check_options o{{}, {"own_mean_linearity"}, {"double"}};
  const run_result bug = check_case(
      lt::make_gradient_subject("per-sequence", [] { return TinyLm(); }, per_sequence_step, c), p, o);
  EXPECT_FALSE(bug.passed) << render_text(bug, timings::omitted);
  const run_result right =
      check_case(lt::make_gradient_subject("as written", [] { return TinyLm(); }, lm_step, c), p, o);
  EXPECT_TRUE(right.passed) << render_text(right, timings::omitted);
}

TEST(TorchLanguageModel, AStepThatAlwaysTakesTheMeanIsCaughtWhenItDoesNotSayTheMeanIsAllItComputes) {
  const auto results = check(lt::make_gradient_subject("tiny LM, undeclared", [] { return TinyLm(); },
                                                       lm_step, tiny_lm()),
                             quick({"reduction_scale"}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
}

} // namespace
} // namespace gradlaws
