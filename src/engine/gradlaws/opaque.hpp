#pragma once
// A module gradlaws does not know: a framework's network of any architecture (a transformer
// block, a torch::nn::Module), seen only through its parameter count and its input and output
// widths per example. gradlaws draws θ and batches for it and hands them to the code under
// test; it cannot evaluate it on any rung. Laws that compare two sides the subject computes run
// on it (gradlaws/checks.hpp), judged by the two-precision rule (gradlaws/verdict.hpp): the
// subject in float and in double, whose rounding differences shrink about 2^29-fold with the
// precision while a violated law's difference does not.

#include "gradlaws/layer.hpp"
#include "gradlaws/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

class opaque_module final : public layer_base<opaque_module> {
public:
  /// Throws dimension_error for a zero width, no parameters, more than max_layer_parameters,
  /// or names that are not one per parameter.
  opaque_module(std::string name, std::size_t inputs, std::size_t outputs, std::size_t parameters,
                std::vector<std::string> names = {});
  std::string describe() const override;
  std::string kind() const override { return "opaque"; }
  std::size_t in_dim() const override { return in_; }
  std::size_t out_dim() const override { return out_; }
  std::size_t parameter_count() const override { return parameters_; }
  std::vector<std::string> parameter_names(std::size_t index) const override;
  bool supports(rung) const override { return false; }
  template <class T> static constexpr bool runs_on = false;
  template <class T> mat<T> forward_impl(const mat<T> &, const T *) const { return {}; }
  template <class T> mat<T> backward_impl(const mat<T> &, const T *, const mat<T> &, T *) const { return {}; }

private:
  std::string name_;
  std::size_t in_, out_, parameters_;
  std::vector<std::string> names_;
};

/// A model of one module gradlaws does not know, under a registered loss (which says what the
/// targets are): e.g. opaque_model("my transformer", 8, 4, 1234, "softmax_ce").
model opaque_model(std::string name, std::size_t inputs, std::size_t outputs,
                   std::size_t parameters, std::string_view loss,
                   std::vector<std::string> parameter_names = {});

/// The same under a loss given as an object (a combined loss, say).
model opaque_model(std::string name, std::size_t inputs, std::size_t outputs,
                   std::size_t parameters, std::shared_ptr<const loss> loss,
                   std::vector<std::string> parameter_names = {});

/// True when some layer of m is a module gradlaws does not know.
bool is_opaque(const model &m);

} // namespace gradlaws
