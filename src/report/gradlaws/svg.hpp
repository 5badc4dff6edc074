#pragma once
// Pictures of counterexamples as SVG, written by gradlaws itself: no plotting library, no
// network. A figure (gradlaws/catalogue.hpp) is data; render_svg draws it as one
// self-contained <svg> element with its title, axes, ticks, legend and caption text, readable
// by a screen reader (role="img", <title>, <desc>).

#include "gradlaws/catalogue.hpp"

#include <string>

namespace gradlaws {

/// The figure as an SVG document (UTF-8, no XML declaration, so it can be inlined in HTML).
/// Throws gradlaws::error naming the series if a value is NaN or infinite, if a series' x and
/// y differ in length, or if a bar's category index is outside the figure's categories.
std::string render_svg(const figure &f);

/// Escapes text for XML and HTML: & < > " and '.
std::string xml_escape(const std::string &s);

} // namespace gradlaws
