#include "gradlaws/layer.hpp"

#include "gradlaws/error.hpp"

#include <map>

namespace gradlaws {

std::vector<std::string> layer::parameter_names(std::size_t index) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < parameter_count(); ++i)
    out.push_back(kind() + std::to_string(index) + "[" + std::to_string(i) + "]");
  return out;
}

dense::dense(std::size_t in, std::size_t out, std::vector<std::string> names)
    : in_(in), out_(out), names_(std::move(names)) {
  if (in == 0 || out == 0)
    throw dimension_error("dense layer: widths must be positive, got " + std::to_string(in) +
                          "→" + std::to_string(out));
  // Parameters are exact rationals and multiprecision values with a name each: far below
  // what memory allows, and an overflow of in × out is caught before it happens.
  if (in > max_layer_parameters / out || in * out > max_layer_parameters - out)
    throw dimension_error("dense layer " + std::to_string(in) + "→" + std::to_string(out) +
                          " would have more than " + std::to_string(max_layer_parameters) +
                          " parameters, more than gradlaws can hold");
  if (!names_.empty() && names_.size() != parameter_count())
    throw dimension_error("dense layer " + std::to_string(in) + "→" + std::to_string(out) +
                          " has " + std::to_string(parameter_count()) + " parameters but " +
                          std::to_string(names_.size()) + " names were given");
}

std::string dense::describe() const {
  return "Dense(" + std::to_string(in_) + "→" + std::to_string(out_) + ")";
}

std::vector<std::string> dense::parameter_names(std::size_t index) const {
  if (!names_.empty()) return names_;
  std::vector<std::string> out;
  const std::string k = std::to_string(index);
  for (std::size_t r = 0; r < out_; ++r)
    for (std::size_t c = 0; c < in_; ++c)
      out.push_back("W" + k + "[" + std::to_string(r) + "," + std::to_string(c) + "]");
  for (std::size_t r = 0; r < out_; ++r) out.push_back("b" + k + "[" + std::to_string(r) + "]");
  return out;
}

std::string dense::construction_code() const {
  std::string s = "std::make_shared<gradlaws::dense>(" + std::to_string(in_) + ", " + std::to_string(out_);
  if (!names_.empty()) {
    s += ", std::vector<std::string>{";
    for (std::size_t i = 0; i < names_.size(); ++i) s += (i ? ", \"" : "\"") + names_[i] + "\"";
    s += "}";
  }
  return s + ")";
}

std::string activation_layer::construction_code() const {
  return "std::make_shared<gradlaws::activation_layer>(" + std::to_string(width_) +
         ", gradlaws::find_activation(\"" + act_->name() + "\"))";
}

activation_layer::activation_layer(std::size_t width, const activation &a)
    : width_(width), act_(&a) {
  if (width == 0) throw dimension_error("activation layer '" + a.name() + "': width must be positive");
}

namespace detail {
void refuse_rung(const std::string &what, rung r, bool ad) {
  throw unsupported_rung_error(what + " does not run on the " + std::string(to_string(r)) +
                               " rung" + (ad ? " (the oracle's reverse-mode values)" : ""));
}
} // namespace detail

// The built-in layers' per-scalar virtuals, compiled here once; their formulas are compiled
// once per rung (rungs/).
template class layer_base<dense>;
template class layer_base<activation_layer>;

} // namespace gradlaws
