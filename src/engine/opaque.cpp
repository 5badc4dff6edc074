#include "gradlaws/opaque.hpp"

#include "gradlaws/error.hpp"

#include <algorithm>

namespace gradlaws {

opaque_module::opaque_module(std::string name, std::size_t inputs, std::size_t outputs,
                             std::size_t parameters, std::vector<std::string> names)
    : name_(std::move(name)), in_(inputs), out_(outputs), parameters_(parameters),
      names_(std::move(names)) {
  if (inputs == 0 || outputs == 0)
    throw dimension_error("the module '" + name_ + "' needs at least one input and one output "
                          "per example (given " + std::to_string(inputs) + " → " +
                          std::to_string(outputs) + ")");
  if (parameters == 0 || parameters > max_layer_parameters)
    throw dimension_error("the module '" + name_ + "' has " + std::to_string(parameters) +
                          " parameters; between 1 and " + std::to_string(max_layer_parameters) +
                          " are checked");
  if (!names_.empty() && names_.size() != parameters)
    throw dimension_error("the module '" + name_ + "' has " + std::to_string(parameters) +
                          " parameters but " + std::to_string(names_.size()) + " names");
}

std::string opaque_module::describe() const {
  return name_ + " (" + std::to_string(in_) + "→" + std::to_string(out_) + ", " +
         std::to_string(parameters_) + " parameters, not evaluated by gradlaws)";
}

std::vector<std::string> opaque_module::parameter_names(std::size_t) const {
  if (!names_.empty()) return names_;
  std::vector<std::string> out;
  for (std::size_t k = 0; k < parameters_; ++k) out.push_back("θ[" + std::to_string(k) + "]");
  return out;
}

model opaque_model(std::string name, std::size_t inputs, std::size_t outputs,
                   std::size_t parameters, std::string_view loss,
                   std::vector<std::string> parameter_names) {
  return model(inputs,
               {std::make_shared<const opaque_module>(std::move(name), inputs, outputs, parameters,
                                                      std::move(parameter_names))},
               find_loss(loss));
}

model opaque_model(std::string name, std::size_t inputs, std::size_t outputs,
                   std::size_t parameters, std::shared_ptr<const loss> l,
                   std::vector<std::string> parameter_names) {
  return model(inputs,
               {std::make_shared<const opaque_module>(std::move(name), inputs, outputs, parameters,
                                                      std::move(parameter_names))},
               std::move(l));
}

bool is_opaque(const model &m) {
  return std::any_of(m.layers().begin(), m.layers().end(),
                     [](const auto &l) { return l->kind() == "opaque"; });
}

template class layer_base<opaque_module>;

} // namespace gradlaws
