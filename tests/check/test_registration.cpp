// Registration that cannot be lost: an activation registered by a static in this test's own
// source file is in the registry at run time, and every law of the built-in catalogue that
// quantifies over the activation registry picks it up — and holds on it.

#include <gradlaws/activation.hpp>
#include <gradlaws/catalogue.hpp>
#include <gradlaws/layer.hpp>
#include <gradlaws/norm_layers.hpp>
#include <gradlaws/registries.hpp>
#include <gradlaws/variant.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

/// f(z) = z³ + z: rational, with a derivative that is not affine (so the fallacy
/// derivative_at_mean applies to it as well).
struct test_cubic {
  static constexpr bool rational = true;
  template <class T> static T f(const T &z) { return z * z * z + z; }
  template <class T> static T df(const T &z) { return T(3) * z * z + T(1); }
};

const bool registered = gradlaws::register_activation<test_cubic>(
    {.name = "test_cubic", .formula = "z³ + z", .derivative = "3z² + 1"});

// A layer kind registered the same way: LayerNorm under another name.
const bool layer_registered = gradlaws::register_layer(
    "test_layer_norm", "LayerNorm, registered by a test", [](std::size_t width) {
      return gradlaws::make_normalisation(gradlaws::normalisation::layer_norm, width);
    });

/// A per-feature scale y = γ ⊙ x (γ starts at 1) whose backward pass forgets the x in
/// ∂/∂γ = Σ_j u_ij x_ij (it adds Σ_j u_ij): a planted bug only the oracle sees.
class test_bad_scale final : public gradlaws::layer_base<test_bad_scale> {
public:
  explicit test_bad_scale(std::size_t width) : width_(width) {}
  std::string describe() const override { return "BadScale(" + std::to_string(width_) + ")"; }
  std::string kind() const override { return "scale"; }
  std::size_t in_dim() const override { return width_; }
  std::size_t out_dim() const override { return width_; }
  std::size_t parameter_count() const override { return width_; }
  gradlaws::exact initial_parameter(std::size_t) const override { return gradlaws::exact(1); }

  template <class T> gradlaws::mat<T> forward_impl(const gradlaws::mat<T> &x, const T *g) const {
    gradlaws::mat<T> y = x;
    for (Eigen::Index i = 0; i < x.rows(); ++i) y.row(i) *= g[i];
    return y;
  }
  template <class T>
  gradlaws::mat<T> backward_impl(const gradlaws::mat<T> &x, const T *g,
                                 const gradlaws::mat<T> &u, T *dg) const {
    gradlaws::mat<T> dx = u;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      dx.row(i) *= g[i];
      dg[i] += u.row(i).sum(); // planted bug: (u.row(i).array() * x.row(i).array()).sum()
    }
    return dx;
  }

private:
  std::size_t width_;
};

const bool bad_layer_registered = gradlaws::register_layer(
    "test_bad_scale", "a per-feature scale with a planted bug in its backward pass",
    [](std::size_t width) { return std::make_shared<test_bad_scale>(width); });

bool has(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Registration, AnActivationRegisteredInATestSourceIsFoundByName) {
  ASSERT_TRUE(registered);
  const gradlaws::activation &a = gradlaws::find_activation("test_cubic");
  EXPECT_EQ(a.info().formula, "z³ + z");
  EXPECT_TRUE(a.supports(gradlaws::rung::exact));
  EXPECT_EQ(a.df(gradlaws::exact(2)), gradlaws::exact(13));
}

TEST(Registration, ALayerRegisteredInATestSourceIsFoundAndListed) {
  ASSERT_TRUE(layer_registered);
  EXPECT_EQ(gradlaws::find_layer("test_layer_norm").make(3)->out_dim(), 3u);
  bool listed = false;
  for (const auto &r : gradlaws::registry_listings())
    for (const auto &[name, description] : r.entries) listed |= r.kind == "layers" && name == "test_layer_norm";
  EXPECT_TRUE(listed);
}

TEST(Registration, ALayerRegisteredInATestSourceIsDrawnByTheLawsOverLayers) {
  // The oracle law ranges over every layer kind, on every rung it runs on; the boundary laws
  // of the coupling fallacies over every kind that couples nothing.
  ASSERT_TRUE(bad_layer_registered);
  EXPECT_TRUE(has(gradlaws::find_entry("normalisation_oracle_agreement").variants(), "test_bad_scale_exact"));
  EXPECT_TRUE(has(gradlaws::find_entry("normalisation_oracle_agreement").variants(), "test_layer_norm_high"));
  EXPECT_TRUE(has(gradlaws::find_entry("no_batch_coupling").variants(), "test_bad_scale_exact"));
  EXPECT_FALSE(has(gradlaws::find_entry("batchnorm_isolated_examples").variants(), "test_bad_scale_exact"));
}

TEST(Registration, APlantedBugInARegisteredLayersBackwardIsCaughtAndShrunk) {
  gradlaws::run_options o;
  o.seed = 1;
  const auto r = gradlaws::find_entry("normalisation_oracle_agreement").run("test_bad_scale_exact", o);
  ASSERT_EQ(r.status, gradlaws::run_status::falsified) << r.message;
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.counterexample.find("BadScale(1)"), std::string::npos) << r.counterexample;
  EXPECT_GT(r.shrinks, 0);
  // Shrunk to one example of one feature: the smallest batch that shows the missing x.
  EXPECT_NE(r.counterexample.find("N = 1"), std::string::npos) << r.counterexample;
}

TEST(Registration, EveryLawOverTheActivationRegistryRunsOnTheNewActivationAndHolds) {
  gradlaws::run_options o;
  o.cases = 20;
  std::vector<std::string> laws;
  for (const gradlaws::entry *e : gradlaws::catalogue()) {
    const auto variants = e->variants();
    // An entry quantifies over the activation registry when it has a variant for every
    // rational built-in on the exact rung (from the first, identity, to the last, softsign).
    if (!has(variants, "identity_exact") || !has(variants, "softsign_exact")) continue;
    SCOPED_TRACE(e->name);
    ASSERT_TRUE(has(variants, "test_cubic_exact")) << e->name << " does not see test_cubic";
    const gradlaws::run_result r = e->run("test_cubic_exact", o);
    EXPECT_TRUE(r.passed) << e->name << ": " << r.message;
    if (e->kind != gradlaws::entry_kind::fallacy) laws.push_back(e->name);
  }
  // linearity, oracle agreement, reduction scale, accumulation, the invariances, weighted
  // mean, loss linearity and upstream linearity.
  EXPECT_GE(laws.size(), 10u);
}

TEST(Registration, TheDerivativeAtTheMeanFallacyFindsTheNewActivationsJensenGap) {
  const auto variants = gradlaws::find_entry("derivative_at_mean").variants();
  ASSERT_TRUE(has(variants, "test_cubic_exact"));
  gradlaws::run_options o;
  o.seed = 1;
  const auto r = gradlaws::find_entry("derivative_at_mean").run("test_cubic_exact", o);
  EXPECT_EQ(r.status, gradlaws::run_status::falsified);
  EXPECT_TRUE(r.passed) << r.shape_problem;
}

} // namespace

namespace {

TEST(Variants, EveryVariantOfTheCatalogueParsesAndPrintsBackToItself) {
  std::size_t n = 0;
  for (const gradlaws::entry *e : gradlaws::catalogue())
    for (const std::string &name : e->variants()) {
      EXPECT_EQ(gradlaws::variant::parse(name).name(), name) << e->name;
      ++n;
    }
  EXPECT_GE(n, 300u);
}

TEST(Variants, TheAxesOfAVariantAreTypedValues) {
  const auto v = gradlaws::variant::parse("one_example_sigmoid_high");
  EXPECT_TRUE(v.one_example);
  ASSERT_NE(v.act, nullptr);
  EXPECT_EQ(v.act->name(), "sigmoid");
  EXPECT_EQ(v.on, gradlaws::rung::high);
  const auto s = gradlaws::variant::parse("accumulate_weighted_exact");
  ASSERT_NE(s.strat, nullptr);
  EXPECT_EQ(s.strat->name(), "accumulate_weighted");
  EXPECT_EQ(*gradlaws::variant::parse("batch_norm_high").layer, &gradlaws::find_layer("batch_norm"));
  EXPECT_EQ(*gradlaws::variant::parse("none_exact").layer, nullptr);
  EXPECT_EQ(gradlaws::variant::parse("linear_regression").family, "linear_regression");
  // The machine rung is named by its format.
  const gradlaws::variant d = gradlaws::variant::parse("sigmoid_double"), f = gradlaws::variant::parse("float");
  EXPECT_EQ(d.on, gradlaws::rung::machine);
  EXPECT_EQ(d.format, gradlaws::machine_format::double_format);
  EXPECT_EQ(d.name(), "sigmoid_double");
  EXPECT_EQ(f.on, gradlaws::rung::machine);
  EXPECT_EQ(f.format, gradlaws::machine_format::float_format);
  // The 16-bit formats of the training step's subjects are named the same way.
  const gradlaws::variant b = gradlaws::variant::parse("bfloat16"), h = gradlaws::variant::parse("float16");
  EXPECT_EQ(b.format, gradlaws::machine_format::bfloat16_format);
  EXPECT_EQ(b.name(), "bfloat16");
  EXPECT_EQ(h.format, gradlaws::machine_format::float16_format);
  EXPECT_EQ(h.name(), "float16");
  EXPECT_EQ(f.name(), "float");
  EXPECT_THROW(gradlaws::variant::parse("sigmoid_exact"), gradlaws::unsupported_rung_error);
  try {
    gradlaws::variant::parse("sigmoyd_high");
    ADD_FAILURE() << "an unknown axis was accepted";
  } catch (const gradlaws::unknown_name_error &e) {
    EXPECT_NE(std::string(e.what()).find("sigmoid"), std::string::npos) << e.what();
  }
}

TEST(Catalogue, EveryFallacyAndItsBoundaryLawNameEachOther) {
  std::size_t pairs = 0;
  for (const gradlaws::entry *e : gradlaws::catalogue()) {
    if (e->kind != gradlaws::entry_kind::fallacy) continue;
    const gradlaws::entry &b = gradlaws::find_entry(e->boundary);
    EXPECT_EQ(b.kind, gradlaws::entry_kind::boundary_law) << e->name;
    EXPECT_EQ(b.boundary, e->name) << e->name;
    EXPECT_EQ(b.family, e->family) << e->name;
    ++pairs;
  }
  EXPECT_EQ(pairs, 28u);
}

} // namespace
