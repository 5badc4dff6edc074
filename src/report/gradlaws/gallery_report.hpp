#pragma once
// The bug gallery's report: the kill matrix (bug × law: the variants of each law that caught
// the bug, out of those run) and, for every bug, its story, the law and verdict that caught
// it, the shrunk counterexample, the diagnosis, and how its correct twin fared.

#include "gradlaws/gallery.hpp"
#include "gradlaws/report.hpp"

#include <string>
#include <vector>

namespace gradlaws {

/// The matrix alone: one row per case, one column per law that ran on any of them (numbered,
/// with a legend), cells "k/n" (k of the n variants run caught the bug) or "·" (not run).
std::string render_kill_matrix(const std::vector<gallery_outcome> &outcomes);

/// The matrix, then each case in full.
std::string render_gallery(const std::vector<gallery_outcome> &outcomes, timings t = timings::shown);

} // namespace gradlaws
