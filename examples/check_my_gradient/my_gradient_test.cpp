// A user's hand-written gradient checked by every law that applies, on double: the README's
// "Check your own code" example.
#include <gradlaws/gtest.hpp>

using namespace gradlaws;

// ∇ of J = Σ c_i (m·x_i + b − y_i)² for the batch's coefficients c_i (1/N for the mean).
vec<double> my_gradient(const model &, const vec<double> &theta, const mat<double> &x,
                        const mat<double> &y, const reduction &r) {
  const vec<double> c = r.coefficients_on<double>(std::size_t(x.cols()));
  vec<double> g = vec<double>::Zero(2);
  for (Eigen::Index i = 0; i < x.cols(); ++i) {
    const double e = theta[0] * x(0, i) + theta[1] - y(0, i);
    g += c[i] * 2 * e * vec<double>{{x(0, i), 1.0}};
  }
  return g;
}

TEST(MyGradient, ObeysEveryLaw) {
  GRADLAWS_EXPECT_LAWS(make_gradient_subject("my gradient", my_gradient),
                       {.fixed_model = linear_regression()});
}
