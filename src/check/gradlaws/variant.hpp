#pragma once
// Variants: what one catalogue test fixes besides its law — an activation, a rung, a model
// family, a normalisation layer, a strategy, a reduction — as a typed value, printed and parsed
// here and nowhere else. Its name is the part of the CTest name after the dot:
//
//   name                        axes
//   relu_exact                  activation relu, rung exact
//   one_example_sigmoid_high    one example per batch, activation sigmoid, rung high
//   linear_regression           model family linear_regression
//   batch_norm_high             layer kind batch_norm, rung high (none_exact: no layer)
//   accumulate_weighted_exact   strategy accumulate_weighted, rung exact
//   batched_mean                strategy batched_mean
//   exact                       rung exact
//   sigmoid_double              activation sigmoid, machine rung in double (float: _float)
//   rmse                        reduction rmse

#include "gradlaws/activation.hpp"
#include "gradlaws/domain.hpp"
#include "gradlaws/model.hpp"
#include "gradlaws/norm_layers.hpp"
#include "gradlaws/strategy.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws {

struct variant {
  const activation *act = nullptr;      ///< an activation of the registry
  const strategy *strat = nullptr;      ///< a strategy of the registry
  /// A layer kind of the registry after every hidden affine layer; nullptr: none (plain MLPs).
  std::optional<const layer_kind *> layer;
  std::string family;                   ///< a model family: see model_families()
  std::string reduction_name;           ///< a nonlinear or affine reduction: see reductions()
  /// What the subject under test supports (users' checks): generators draw within it, the
  /// one model it is written for included. Not part of the name.
  std::shared_ptr<const capabilities> within;
  std::optional<rung> on;               ///< the rung, when the variant fixes one
  bool one_example = false;             ///< batches of one example
  /// Machine rung: the format. The rung prints as it: "double", "float", "bfloat16", "float16".
  machine_format format = machine_format::double_format;

  /// The name: [one_example_]<axis>[_<rung>].
  std::string name() const;
  /// The rung, or the given default when the variant fixes none.
  rung rung_or(rung fallback) const { return on.value_or(fallback); }

  /// Parses a name; throws unknown_name_error or unsupported_rung_error naming what is wrong.
  static variant parse(std::string_view name);

  /// The model the subject is written for, if it declared one.
  std::shared_ptr<const model> fixed_model() const { return within ? within->fixed_model : nullptr; }
};

/// The model families a variant may name: linear_regression (the seed's m·x + b under MSE)
/// and linear_model_linear_loss (affine layers under the linear loss).
const std::vector<std::string> &model_families();
/// The reductions a variant may name: rmse, log_mean_exp, affine.
const std::vector<std::string> &reductions();

} // namespace gradlaws
