// Gradient accumulation in mixed precision: 16-bit pieces are accumulated in float and rounded
// once, their running error bound covers that and not an accumulation in the pieces' own
// format, and the 16-bit formats' conversions and units in the last place are as IEEE and
// bfloat16 define them.

#include <gradlaws/accumulation.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace gradlaws {
namespace {

using bf16 = Eigen::bfloat16;

std::vector<vec<bf16>> copies_of(double value, std::size_t k) {
  return std::vector<vec<bf16>>(k, vec<bf16>::Constant(1, bf16(value)));
}

TEST(Accumulation, HalfPiecesAreAccumulatedInFloatAndRoundedOnce) {
  // 258 gradients of 1: in bfloat16 the sum stops at 256 (257 needs 9 significant bits); 258
  // itself is a bfloat16 number, so the division does not round the count as well.
  const auto pieces = copies_of(1.0, 258);
  EXPECT_EQ(float(accumulate_mean(pieces)[0]), 1.0f);
  EXPECT_EQ(float(accumulate_mean_in<bf16>(pieces)[0]), float(bf16(256.0f / 258.0f)));
  EXPECT_LT(float(accumulate_mean_in<bf16>(pieces)[0]), 1.0f);
  // Other rungs accumulate in their own scalar.
  static_assert(std::is_same_v<accumulator_t<double>, double>);
  static_assert(std::is_same_v<accumulator_t<Eigen::half>, float>);
  static_assert(std::is_same_v<accumulator_t<rounded<bf16>>, rounded<float>>);
}

TEST(Accumulation, TheBoundOfFloatAccumulationCoversItAndNotAnAccumulationInBfloat16) {
  std::mt19937_64 rng(21);
  std::uniform_int_distribution<int> value(-1024, 1024);
  int beyond = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t k = 1 + std::size_t(trial % 24);
    std::vector<exact> values;
    for (std::size_t i = 0; i < k; ++i) values.push_back(exact(value(rng), 128));
    exact mean(0);
    for (const exact &x : values) mean += x;
    mean /= exact(long(k));
    std::vector<vec<bf16>> plain;
    std::vector<vec<rounded<bf16>>> bounded;
    for (const exact &x : values) {
      plain.push_back(vec<bf16>::Constant(1, from_exact<bf16>(x)));
      bounded.push_back(vec<rounded<bf16>>::Constant(1, from_exact<rounded<bf16>>(x)));
    }
    const rounded<bf16> b = accumulate_mean(bounded)[0];
    const double exact_mean = mean.convert_to<double>();
    EXPECT_EQ(float(b.v), float(accumulate_mean(plain)[0])) << "the bound follows the computation";
    EXPECT_LE(std::abs(double(b.v) - exact_mean), b.e) << "K = " << k;
    if (std::abs(double(accumulate_mean_in<bf16>(plain)[0]) - exact_mean) > b.e) ++beyond;
  }
  EXPECT_GT(beyond, 20) << "accumulating in bfloat16 leaves the float accumulation's bound";
}

TEST(Accumulation, ConversionsBetweenFormatsChargeWhatTheyLose) {
  const rounded<float> third(1.0f / 3.0f, 0.0);
  const auto narrowed = convert_scalar<rounded<bf16>>(third);
  EXPECT_EQ(float(narrowed.v), float(bf16(1.0f / 3.0f)));
  EXPECT_GE(narrowed.e, std::abs(double(narrowed.v) - double(third.v)));
  const auto widened = convert_scalar<rounded<float>>(narrowed);
  EXPECT_EQ(widened.v, float(narrowed.v));
  EXPECT_NEAR(widened.e, narrowed.e, narrowed.e * 0x1p-49); // carried over, rounded up
  // Beyond float16's range (65504): infinite, with nothing claimed.
  const auto big = from_exact<rounded<Eigen::half>>(exact(70000));
  EXPECT_TRUE(std::isinf(double(big.v)));
  EXPECT_TRUE(std::isinf(big.e));
}

TEST(Accumulation, UnitsInTheLastPlaceOfEachFormat) {
  EXPECT_EQ(ulp_in<double>(1.0), 0x1p-52);
  EXPECT_EQ(ulp_in<float>(1.0), 0x1p-23);
  EXPECT_EQ(ulp_in<bf16>(1.0), 0x1p-7);
  EXPECT_EQ(ulp_in<Eigen::half>(1.0), 0x1p-10);
  EXPECT_EQ(ulp_in<Eigen::half>(0x1p-20), 0x1p-24); // float16's subnormal spacing
  EXPECT_TRUE(std::isinf(ulp_in<Eigen::half>(70000.0)));
  EXPECT_EQ(rounded<bf16>::u, 0x1p-8 + 0x1p-23);
  EXPECT_EQ(rounded<Eigen::half>::u, 0x1p-11 + 0x1p-23);
}

TEST(Accumulation, NoPiecesOrPiecesOfDifferentLengthsAreRefusedByName) {
  EXPECT_THROW(accumulate_mean(std::vector<vec<double>>{}), dimension_error);
  try {
    accumulate_mean(std::vector<vec<double>>{vec<double>::Zero(2), vec<double>::Zero(3)});
    ADD_FAILURE() << "pieces of different lengths were accumulated";
  } catch (const dimension_error &e) {
    EXPECT_NE(std::string(e.what()).find("micro-batch gradient 2 has 3 entries"), std::string::npos)
        << e.what();
  }
}

} // namespace
} // namespace gradlaws
