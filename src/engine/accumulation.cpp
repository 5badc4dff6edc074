#include "gradlaws/accumulation.hpp"

namespace gradlaws::detail {

void check_pieces(const char *what, std::size_t pieces, const std::vector<long> &sizes) {
  if (pieces == 0)
    throw dimension_error(std::string(what) + ": no micro-batch gradients (give at least one)");
  for (std::size_t k = 1; k < sizes.size(); ++k)
    if (sizes[k] != sizes[0])
      throw dimension_error(std::string(what) + ": micro-batch gradient " + std::to_string(k + 1) +
                            " has " + std::to_string(sizes[k]) + " entries and gradient 1 has " +
                            std::to_string(sizes[0]));
  if (sizes[0] == 0) throw dimension_error(std::string(what) + ": the micro-batch gradients are empty");
}

} // namespace gradlaws::detail
