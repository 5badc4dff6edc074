#pragma once
// The bug gallery: real-world averaging bugs, each written the way users write it and paired
// with its correct twin, registered from any linked source (the gallery's own are in
// examples/gallery/). Running a case checks both with check() (gradlaws/checks.hpp): the bug
// must be caught by some law, shrunk, and diagnosed; the twin must pass every law.
//
// This header is light (no Eigen, no Boost.Multiprecision): the command line runs the gallery
// through it. Registering a case takes gradlaws/gallery_case.hpp.

#include "gradlaws/catalogue.hpp"

#include <string>
#include <vector>

namespace gradlaws {

struct gallery_info {
  std::string name;     ///< e.g. "accumulation_token_normalisation"
  std::string title;    ///< one line: what the code does wrong
  std::string story;    ///< where it was seen, and the fix
  std::string subject;  ///< "batch gradient" or "pipeline (<family>)"
  /// What the bug's diagnosis must name: the registered convention a pipeline's probed
  /// weights match, or words of a batch gradient's diagnosis ("the sum's weights"); "" when
  /// being caught is enough.
  std::string expected_match;
  /// The framework the bug is written with: "" for gradlaws's own types, "libtorch" for a
  /// libtorch training step (gradlaws::torch; `gradlaws gallery --torch`).
  std::string framework;
};

struct gallery_outcome {
  gallery_info info;
  std::vector<run_result> bug, twin;
  /// True when some law falsified the bug with a shrunk counterexample, and, when a match is
  /// expected, the bug's diagnosis names it.
  bool caught() const;
  /// True when the twin passed every law.
  bool twin_passed() const;
  /// The first falsified run of the bug (its shrunk counterexample and diagnosis), or null.
  const run_result *witness() const;
};

/// Every registered gallery case, in registration order.
std::vector<gallery_info> gallery_cases();
/// Runs one case (bug and twin) with the given options; throws unknown_name_error.
gallery_outcome run_gallery_case(const std::string &name, const run_options &opt);
class model;
/// The two-precision rule on the gallery: a batch-gradient case (bug and twin) run as code whose
/// model gradlaws does not know — each is handed the case's own model (or `inside`, when the
/// case draws models) while gradlaws sees an opaque module of its sizes (gradlaws/opaque.hpp).
/// Throws gradlaws::error for a pipeline case.
gallery_outcome run_gallery_case_hidden(const std::string &name, const run_options &opt,
                                        const model &inside);
/// The twin alone, hidden likewise (the two-precision rule's false alarms).
std::vector<run_result> run_gallery_twin_hidden(const std::string &name, const run_options &opt,
                                                const model &inside);
/// The model a hidden case that draws models is handed: Dense(2→3) → tanh → Dense(3→1), MSE.
const model &hidden_default_model();
/// The twin alone on its machine-rung variants (float and double): the false-alarm check.
std::vector<run_result> run_gallery_twin_on_machine(const std::string &name, const run_options &opt);

} // namespace gradlaws
