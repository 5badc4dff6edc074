#pragma once
// Exact values from text, for tests written by hand or drafted by a report:
//   const auto theta = gradlaws::vector_of<gradlaws::exact>({"0", "-1/2"});
//   const auto x = gradlaws::matrix_of<gradlaws::exact>(1, 2, {"0", "1"}); // column-major

#include "gradlaws/error.hpp"
#include "gradlaws/scalar.hpp"

#include <initializer_list>
#include <string>

namespace gradlaws {

/// Parses "p/q" or "p" as an exact rational; throws gradlaws::error naming the text.
exact parse_exact(const std::string &text);

/// A vector from exact literals, converted to T.
template <class T> vec<T> vector_of(std::initializer_list<const char *> values) {
  vec<T> v(Eigen::Index(values.size()));
  Eigen::Index i = 0;
  for (const char *s : values) v[i++] = from_exact<T>(parse_exact(s));
  return v;
}

/// A rows × cols matrix from exact literals listed column by column (example by example).
template <class T>
mat<T> matrix_of(Eigen::Index rows, Eigen::Index cols, std::initializer_list<const char *> values) {
  if (Eigen::Index(values.size()) != rows * cols)
    throw dimension_error("matrix_of: " + std::to_string(values.size()) + " values for a " +
                          std::to_string(rows) + "×" + std::to_string(cols) + " matrix");
  mat<T> m(rows, cols);
  Eigen::Index k = 0;
  for (const char *s : values) {
    m(k % rows, k / rows) = from_exact<T>(parse_exact(s));
    ++k;
  }
  return m;
}

} // namespace gradlaws
