#pragma once
// Errors raised on bad input. Every message names the offending value and, where there is a
// fixed set of valid ones, lists them. Nothing is silently coerced.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

/// Base of every error gradlaws raises on bad input.
class error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Dimensions that do not fit together (e.g. a 2-row input for a 1-input model).
class dimension_error : public error {
public:
  using error::error;
};

/// A NaN or infinite value where a finite one is required.
class nonfinite_error : public error {
public:
  using error::error;
};

/// An empty batch, or a reduction whose weights sum to zero.
class empty_batch_error : public error {
public:
  using error::error;
};

/// A name not found in a registry; the message lists the names that are.
class unknown_name_error : public error {
public:
  unknown_name_error(std::string_view kind, std::string_view name,
                     const std::vector<std::string> &known);
};

/// A registry entry used on a rung it does not support (e.g. sigmoid on the exact rung).
class unsupported_rung_error : public error {
public:
  using error::error;
};

/// A normalisation over values with no spread and ε = 0: (x - μ)/√(σ² + ε) would be 0/0
/// (BatchNorm on a batch of one, or on equal inputs).
class zero_variance_error : public error {
public:
  using error::error;
};

} // namespace gradlaws
