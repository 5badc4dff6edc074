#pragma once
// Rendering run results: the counterexample report as terminal text (the CTest log), and the
// one-line summary the command line prints per entry.

#include "gradlaws/catalogue.hpp"

#include <string>

namespace gradlaws {

/// The full account of one run, reading like a worked answer: the claim, the shrunk input,
/// both sides, the difference, the verdict with its tolerance, and how to reproduce it.
std::string render_text(const run_result &r);

/// One line: "PASS  law linearity [relu_exact]  held on 100 cases (100 exactly equal)  0.12 s".
std::string summary_line(const run_result &r);

} // namespace gradlaws
