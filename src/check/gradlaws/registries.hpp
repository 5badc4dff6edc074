#pragma once
// The registries as plain listings (names and descriptions), for the command line and reports:
// a light header, without the engine's types.

#include <string>
#include <utility>
#include <vector>

namespace gradlaws {

struct registry_listing {
  std::string kind;  ///< "activations", "losses", "layers" or "strategies"
  std::vector<std::pair<std::string, std::string>> entries; ///< name, description
};

/// Every registry, in the order above, with its entries in registration order.
std::vector<registry_listing> registry_listings();

} // namespace gradlaws
