#include "gradlaws/training_step.hpp"

namespace gradlaws {

std::string step_config::describe() const {
  std::string s = rule.describe();
  if (clip) s += ", clip at C = " + to_string(*clip);
  if (loss_scale != 1) s += ", loss scale S = " + to_string(loss_scale);
  s += ", shares (";
  for (std::size_t k = 0; k < shares.size(); ++k) s += (k ? ", " : "") + to_string(shares[k]);
  return s + ")";
}

void step_config::validate() const {
  rule.validate();
  if (clip && *clip <= 0)
    throw error("the training step's clipping threshold C = " + to_string(*clip) + " is not positive");
  if (loss_scale <= 0)
    throw error("the training step's loss scale S = " + to_string(loss_scale) + " is not positive");
  if (shares.empty()) throw error("the training step has no micro-batch shares (give one per micro-batch)");
  exact total(0);
  for (const exact &w : shares) {
    if (w < 0) throw error("the training step's share " + to_string(w) + " is negative");
    total += w;
  }
  if (total != 1)
    throw error("the training step's micro-batch shares sum to " + to_string(total) + ", not 1");
}

namespace detail {
void check_step_pieces(std::size_t shares, const std::vector<long> &sizes, long parameters) {
  if (sizes.size() != shares)
    throw dimension_error("training step: " + std::to_string(sizes.size()) +
                          " micro-batch gradients for " + std::to_string(shares) +
                          " shares (give one gradient per micro-batch)");
  for (std::size_t k = 0; k < sizes.size(); ++k)
    if (sizes[k] != parameters)
      throw dimension_error("training step: micro-batch gradient " + std::to_string(k + 1) + " has " +
                            std::to_string(sizes[k]) + " entries for a θ of " +
                            std::to_string(parameters));
}
} // namespace detail

} // namespace gradlaws
