#pragma once
// Registering a gallery case: a bug and its correct twin as subjects of one kind, the check
// options they are checked with (a pipeline's family, a fixed model), and what the bug's
// diagnosis should name.
//
//   const bool registered = gradlaws::register_gallery_case({
//       .info = {.name = "missing_one_over_n", .title = "…", .story = "…"},
//       .bug = gradlaws::make_gradient_subject("…", …),
//       .twin = gradlaws::make_gradient_subject("…", …)});

#include "gradlaws/checks.hpp"
#include "gradlaws/gallery.hpp"

#include <variant>

namespace gradlaws {

struct gallery_case {
  gallery_info info;
  std::variant<gradient_subject, pipeline_subject, training_step_subject, accumulation_subject> bug,
      twin;
  check_options options; ///< run options are set when the case runs
};

/// Adds a case; throws gradlaws::error if the name is taken or bug and twin are of different
/// kinds. Returns true, for a static registration.
bool register_gallery_case(gallery_case c);

} // namespace gradlaws
