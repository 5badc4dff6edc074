#pragma once
// A model: a chain of layers and a per-example loss, with a flat parameter vector θ.
// The seed's linear regression y = m·x + b is linear_regression(): one Dense(1→1) with
// parameters named m and b, and the MSE loss.

#include "gradlaws/layer.hpp"
#include "gradlaws/loss.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gradlaws {

class model {
public:
  /// Chains `layers` (each layer's input width must equal the previous output width; the first
  /// must equal input_dim) under loss `l`. Throws dimension_error naming the mismatch, or
  /// gradlaws::error for an empty layer list.
  model(std::size_t input_dim, std::vector<std::shared_ptr<const layer>> layers, const loss &l);
  /// As above, sharing ownership of a loss made on the fly (e.g. a linear combination).
  model(std::size_t input_dim, std::vector<std::shared_ptr<const layer>> layers,
        std::shared_ptr<const loss> l);

  std::size_t input_dim() const { return input_dim_; }
  std::size_t output_dim() const { return layers_.back()->out_dim(); }
  std::size_t parameter_count() const { return offsets_.back(); }
  const std::vector<std::shared_ptr<const layer>> &layers() const { return layers_; }
  /// Offset of layer k's parameter block in θ (offsets[size] is the total).
  const std::vector<std::size_t> &offsets() const { return offsets_; }
  const loss &objective_loss() const { return *loss_; }
  /// The same layers under another loss.
  model with_loss(const loss &l) const;
  model with_loss(std::shared_ptr<const loss> l) const;
  /// Token ids as inputs: every entry of x an integer in 0..vocabulary-1, as a module whose
  /// first layer embeds tokens (torch::nn::Embedding) takes them. 0: real inputs (the default).
  std::size_t vocabulary() const { return vocabulary_; }
  /// The same model taking token ids in 0..v-1 (v ≥ 1; 0: real inputs again).
  model with_vocabulary(std::size_t v) const;

  /// "Dense(1→2) → relu → Dense(2→1); loss mse".
  std::string describe() const;
  /// One name per parameter in θ order ("W1[0,0]", …, "b1[0]", …).
  const std::vector<std::string> &parameter_names() const { return *names_; }
  /// A C++ expression that rebuilds this model (empty if a layer or the loss cannot print
  /// itself, e.g. a loss made by combine()).
  std::string construction_code() const;
  /// True if every layer and the loss run on rung r.
  bool supports(rung r) const;
  /// True if any layer couples the examples of a batch.
  bool batch_coupled() const;

private:
  std::size_t input_dim_;
  std::vector<std::shared_ptr<const layer>> layers_;
  std::shared_ptr<const loss> loss_;
  std::vector<std::size_t> offsets_;
  /// Shared by copies: a model is copied into every generated case.
  std::shared_ptr<const std::vector<std::string>> names_;
  std::size_t vocabulary_ = 0;
};

/// A multilayer perceptron: Dense(input→widths[0]) → activations[0] → … → Dense(→output).
/// activations.size() must equal widths.size(); an empty `widths` gives one affine layer.
model make_mlp(std::size_t input, const std::vector<std::size_t> &widths,
               const std::vector<std::string> &activations, std::size_t output,
               std::string_view loss_name);

/// The seed's model: f(x) = m·x + b under the squared error (y - f(x))².
model linear_regression(std::string_view loss_name = "mse");

} // namespace gradlaws
