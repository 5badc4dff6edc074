#include "gradlaws/literals.hpp"

namespace gradlaws {

exact parse_exact(const std::string &text) {
  try {
    return exact(text);
  } catch (const std::exception &) {
    throw error("'" + text + "' is not an exact rational (write p or p/q, e.g. -3/4)");
  }
}

} // namespace gradlaws
