#include "gradlaws/model.hpp"

#include <map>

namespace gradlaws {

model::model(std::size_t input_dim, std::vector<std::shared_ptr<const layer>> layers, const loss &l)
    // Registry entries live for the program: share them without owning.
    : model(input_dim, std::move(layers), std::shared_ptr<const loss>(&l, [](const loss *) {})) {}

model::model(std::size_t input_dim, std::vector<std::shared_ptr<const layer>> layers,
             std::shared_ptr<const loss> l)
    : input_dim_(input_dim), layers_(std::move(layers)), loss_(std::move(l)) {
  if (!loss_) throw error("a model needs a loss");
  if (layers_.empty()) throw error("a model needs at least one layer");
  if (input_dim_ == 0) throw dimension_error("a model needs a positive input width");
  offsets_.push_back(0);
  std::size_t width = input_dim_;
  std::map<std::string, std::size_t> counts;
  auto names = std::make_shared<std::vector<std::string>>();
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    if (!layers_[k]) throw error("layer " + std::to_string(k + 1) + " of the model is a null pointer");
    const auto &ly = *layers_[k];
    if (ly.in_dim() != width)
      throw dimension_error("layer " + std::to_string(k + 1) + " (" + ly.describe() +
                            ") takes " + std::to_string(ly.in_dim()) + " inputs but receives " +
                            std::to_string(width));
    width = ly.out_dim();
    offsets_.push_back(offsets_.back() + ly.parameter_count());
    if (ly.parameter_count() > 0) {
      auto n = ly.parameter_names(++counts[ly.kind()]);
      names->insert(names->end(), n.begin(), n.end());
    }
  }
  names_ = std::move(names);
  loss_->classes(width); // a loss over P positions needs P blocks of logits
}

model model::with_loss(const loss &l) const {
  return model(input_dim_, layers_, l).with_vocabulary(vocabulary_);
}
model model::with_loss(std::shared_ptr<const loss> l) const {
  return model(input_dim_, layers_, std::move(l)).with_vocabulary(vocabulary_);
}

model model::with_vocabulary(std::size_t v) const {
  model m = *this;
  m.vocabulary_ = v;
  return m;
}

std::string model::describe() const {
  std::string s;
  if (vocabulary_) s += "token ids < " + std::to_string(vocabulary_) + " → ";
  for (std::size_t k = 0; k < layers_.size(); ++k) s += (k ? " → " : "") + layers_[k]->describe();
  return s + "; loss " + loss_->name();
}

std::string model::construction_code() const {
  try {
    if (&find_loss(loss_->name()) != loss_.get()) return ""; // not a registry loss
  } catch (const unknown_name_error &) {
    return "";
  }
  std::string s = "gradlaws::model(" + std::to_string(input_dim_) + ", {";
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    const std::string c = layers_[k]->construction_code();
    if (c.empty()) return "";
    s += (k ? ",\n    " : "\n    ") + c;
  }
  s += "},\n    gradlaws::find_loss(\"" + loss_->name() + "\"))";
  return vocabulary_ ? s + ".with_vocabulary(" + std::to_string(vocabulary_) + ")" : s;
}

bool model::supports(rung r) const {
  if (!loss_->supports(r)) return false;
  for (const auto &ly : layers_)
    if (!ly->supports(r)) return false;
  return true;
}

bool model::batch_coupled() const {
  for (const auto &ly : layers_)
    if (ly->batch_coupled()) return true;
  return false;
}

model make_mlp(std::size_t input, const std::vector<std::size_t> &widths,
               const std::vector<std::string> &activations, std::size_t output,
               std::string_view loss_name) {
  if (activations.size() != widths.size())
    throw dimension_error("make_mlp: " + std::to_string(widths.size()) + " hidden widths but " +
                          std::to_string(activations.size()) + " activations");
  std::vector<std::shared_ptr<const layer>> layers;
  std::size_t w = input;
  for (std::size_t k = 0; k < widths.size(); ++k) {
    layers.push_back(std::make_shared<dense>(w, widths[k]));
    layers.push_back(std::make_shared<activation_layer>(widths[k], find_activation(activations[k])));
    w = widths[k];
  }
  layers.push_back(std::make_shared<dense>(w, output));
  return model(input, std::move(layers), find_loss(loss_name));
}

model linear_regression(std::string_view loss_name) {
  return model(1, {std::make_shared<dense>(1, 1, std::vector<std::string>{"m", "b"})},
               find_loss(loss_name));
}

} // namespace gradlaws
