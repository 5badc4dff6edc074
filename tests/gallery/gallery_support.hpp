#pragma once
// What the gallery tests (gradlaws's own and libtorch's) ask of a case's outcome.

#include <gradlaws/gallery.hpp>

#include <algorithm>
#include <string>

namespace gradlaws::testing_support {

/// True when some variant of `rung_word` ("double", "float", "exact", …) falsified the bug.
inline bool caught_on(const gallery_outcome &o, const std::string &rung_word) {
  return std::any_of(o.bug.begin(), o.bug.end(), [&](const run_result &r) {
    return r.status == run_status::falsified &&
           (r.variant == rung_word || r.variant.ends_with("_" + rung_word));
  });
}

} // namespace gradlaws::testing_support
