#include "gradlaws/svg.hpp"

#include "gradlaws/error.hpp"
#include "gradlaws/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace gradlaws {

std::string xml_escape(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

namespace {

// Layout, in SVG user units.
constexpr double width = 640, plot_left = 72, plot_right = 616, plot_top = 44, plot_bottom = 300;
constexpr double legend_top = 372, legend_row = 20;

// Colour-blind-safe palette (Okabe–Ito), then grey.
const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                               "#000000"};
const char *colour(std::size_t k) { return palette[k % (sizeof palette / sizeof *palette)]; }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

/// A tick label: up to four significant digits, no trailing zeros, "−" for minus; a value
/// within a millionth of a step of zero (a sum's rounding) is 0.
std::string tick_text(double v, double step = 0) {
  if (std::abs(v) <= std::abs(step) * 1e-6) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  std::string s = buf;
  return s[0] == '-' ? "−" + s.substr(1) : s;
}

struct range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

/// Ticks at 1, 2 or 5 × 10^k steps covering r (about five of them); widens r to whole steps.
std::vector<double> nice_ticks(range &r) {
  if (r.empty()) r = {0, 1};
  if (r.hi - r.lo <= 1e-12 * std::max(std::abs(r.lo), std::abs(r.hi))) { // one value: a window around it
    const double pad = r.hi == 0 ? 1.0 : std::abs(r.hi) * 0.5;
    r.lo -= pad;
    r.hi += pad;
  }
  const double raw = (r.hi - r.lo) / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  r.lo = std::floor(r.lo / step + 1e-9) * step;
  r.hi = std::ceil(r.hi / step - 1e-9) * step;
  std::vector<double> ticks;
  for (double t = r.lo; t <= r.hi + step * 1e-6; t += step) ticks.push_back(t);
  return ticks;
}

/// Text broken at spaces into lines of at most `limit` code points (a longer word stays whole).
std::vector<std::string> wrap(const std::string &text, std::size_t limit) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    if (!line.empty() && columns(line) + 1 + columns(word) > limit) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    at = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void check_series(const figure &f, const figure::series &s) {
  const std::string where = "figure '" + f.name + "', series '" + s.label + "'";
  if (s.x.size() != s.y.size())
    throw error(where + ": " + std::to_string(s.x.size()) + " x values but " +
                std::to_string(s.y.size()) + " y values");
  if (!s.point_labels.empty() && s.point_labels.size() != s.x.size())
    throw error(where + ": " + std::to_string(s.point_labels.size()) + " point labels for " +
                std::to_string(s.x.size()) + " points");
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]))
      throw error(where + ": point " + std::to_string(i + 1) + " is NaN or infinite");
    if (s.style == figure::mark::bars &&
        (s.x[i] < 0 || s.x[i] != std::floor(s.x[i]) || s.x[i] >= double(f.categories.size())))
      throw error(where + ": bar " + std::to_string(i + 1) + " names category " + tick_text(s.x[i]) +
                  " but the figure has " + std::to_string(f.categories.size()) + " categories");
  }
}

/// Where the data goes: the ranges, widened to whole ticks, and their map onto the plot.
struct plot_area {
  bool bars = false;
  range xr, yr;
  std::vector<double> xticks, yticks;
  double px(double x) const { return plot_left + (x - xr.lo) / (xr.hi - xr.lo) * (plot_right - plot_left); }
  double py(double y) const { return plot_bottom - (y - yr.lo) / (yr.hi - yr.lo) * (plot_bottom - plot_top); }
};

plot_area area_of(const figure &f) {
  plot_area a;
  for (const auto &s : f.data) {
    check_series(f, s);
    a.bars |= s.style == figure::mark::bars;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      a.xr.add(s.x[i]);
      a.yr.add(s.y[i]);
    }
    if (s.style == figure::mark::arrows || s.style == figure::mark::bars) {
      a.xr.add(0);
      a.yr.add(0);
    }
  }
  // Headroom, so that a point or an arrowhead on the edge is not cut: 6% of the span on each
  // side, except below (or above) bars standing on zero.
  const auto widen = [](range &r, bool keep_zero) {
    if (r.empty() || r.hi <= r.lo) return;
    const double pad = 0.06 * (r.hi - r.lo);
    if (!(keep_zero && r.lo == 0)) r.lo -= pad;
    if (!(keep_zero && r.hi == 0)) r.hi += pad;
  };
  if (a.bars) {
    a.xr = {-0.5, double(std::max<std::size_t>(f.categories.size(), 1)) - 0.5};
  } else {
    widen(a.xr, false);
    a.xticks = nice_ticks(a.xr);
  }
  widen(a.yr, a.bars);
  a.yticks = nice_ticks(a.yr);
  return a;
}

/// The <svg> element's opening: its size, title, description, arrowheads, background and title.
std::string svg_opening(const figure &f, double height) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                  "\" width=\"" + num(width) + "\" height=\"" + num(height) +
                  "\" role=\"img\" aria-labelledby=\"t-" + xml_escape(f.name) + "\" font-family=\"DejaVu Sans, "
                  "Verdana, sans-serif\" font-size=\"13\">\n";
  s += "<title id=\"t-" + xml_escape(f.name) + "\">" + xml_escape(f.title) + "</title>\n";
  if (!f.caption.empty()) s += "<desc>" + xml_escape(f.caption) + "</desc>\n";
  s += "<defs>\n";
  for (std::size_t k = 0; k < f.data.size(); ++k)
    if (f.data[k].style == figure::mark::arrows)
      s += "<marker id=\"arrow-" + xml_escape(f.name) + "-" + std::to_string(k) +
           "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
           "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" +
           colour(k) + "\"/></marker>\n";
  s += "</defs>\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + num(width) + "\" height=\"" + num(height) + "\" fill=\"#ffffff\"/>\n";
  s += "<text x=\"" + num(width / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" "
       "font-weight=\"bold\">" + xml_escape(f.title) + "</text>\n";
  return s;
}

std::string svg_line(double x1, double y1, double x2, double y2) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\"/>\n";
}

/// Grid, tick labels, the axes through zero, the frame and the axis labels.
std::string svg_axes(const figure &f, const plot_area &a) {
  std::string s = "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (double t : a.yticks) s += svg_line(plot_left, a.py(t), plot_right, a.py(t));
  for (double t : a.xticks) s += svg_line(a.px(t), plot_top, a.px(t), plot_bottom);
  s += "</g>\n<g fill=\"#333333\" font-size=\"12\">\n";
  const double ystep = a.yticks.size() > 1 ? a.yticks[1] - a.yticks[0] : 0;
  const double xstep = a.xticks.size() > 1 ? a.xticks[1] - a.xticks[0] : 0;
  for (double t : a.yticks)
    s += "<text x=\"" + num(plot_left - 6) + "\" y=\"" + num(a.py(t) + 4) + "\" text-anchor=\"end\">" + xml_escape(tick_text(t, ystep)) + "</text>\n";
  const auto below = [&](double x, const std::string &label) {
    return "<text x=\"" + num(x) + "\" y=\"" + num(plot_bottom + 18) + "\" text-anchor=\"middle\">" + xml_escape(label) + "</text>\n";
  };
  for (double t : a.xticks) s += below(a.px(t), tick_text(t, xstep));
  for (std::size_t c = 0; c < f.categories.size() && a.bars; ++c) s += below(a.px(double(c)), f.categories[c]);
  s += "</g>\n";
  s += "<g stroke=\"#555555\" stroke-width=\"1.2\">\n";
  if (a.yr.lo <= 0 && 0 <= a.yr.hi) s += svg_line(plot_left, a.py(0), plot_right, a.py(0));
  if (!a.bars && a.xr.lo <= 0 && 0 <= a.xr.hi) s += svg_line(a.px(0), plot_top, a.px(0), plot_bottom);
  s += "<rect x=\"" + num(plot_left) + "\" y=\"" + num(plot_top) + "\" width=\"" + num(plot_right - plot_left) + "\" height=\"" + num(plot_bottom - plot_top) + "\" fill=\"none\"/>\n";
  s += "</g>\n";
  s += "<text x=\"" + num((plot_left + plot_right) / 2) + "\" y=\"" + num(plot_bottom + 40) + "\" text-anchor=\"middle\">" + xml_escape(f.x_label) + "</text>\n";
  s += "<text transform=\"translate(18 " + num((plot_top + plot_bottom) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + xml_escape(f.y_label) + "</text>\n";
  return s;
}

/// Series k's marks: a polyline, dots, its bars (the bar_index-th of bar_series beside each
/// other in a category's slot) or arrows from the origin.
std::string svg_marks(const figure &f, std::size_t k, const plot_area &a, std::size_t bar_index,
                      std::size_t bar_series) {
  const auto &d = f.data[k];
  const std::string c = colour(k);
  std::string s;
  switch (d.style) {
  case figure::mark::line:
  case figure::mark::dashed:
    s += "<polyline fill=\"none\" stroke=\"" + c + "\" stroke-width=\"2.2\"" +
         (d.style == figure::mark::dashed ? " stroke-dasharray=\"7 5\"" : "") + " points=\"";
    for (std::size_t i = 0; i < d.x.size(); ++i) s += (i ? " " : "") + num(a.px(d.x[i])) + "," + num(a.py(d.y[i]));
    return s + "\"/>\n";
  case figure::mark::points:
    for (std::size_t i = 0; i < d.x.size(); ++i)
      s += "<circle cx=\"" + num(a.px(d.x[i])) + "\" cy=\"" + num(a.py(d.y[i])) + "\" r=\"5\" fill=\"" + c + "\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n";
    return s;
  case figure::mark::bars: {
    const double slot = (a.px(1) - a.px(0)) * 0.8;
    const double w = slot / double(std::max<std::size_t>(bar_series, 1));
    for (std::size_t i = 0; i < d.x.size(); ++i) {
      const double left = a.px(d.x[i]) - slot / 2 + w * double(bar_index);
      const double top = std::min(a.py(d.y[i]), a.py(0)), h = std::abs(a.py(d.y[i]) - a.py(0));
      s += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(w * 0.92) + "\" height=\"" + num(std::max(h, 0.8)) + "\" fill=\"" + c + "\"/>\n";
    }
    return s;
  }
  case figure::mark::arrows:
    for (std::size_t i = 0; i < d.x.size(); ++i)
      if (d.x[i] == 0 && d.y[i] == 0) // a zero vector has no direction: a dot at the origin
        s += "<circle cx=\"" + num(a.px(0)) + "\" cy=\"" + num(a.py(0)) + "\" r=\"4.5\" fill=\"" + c + "\"/>\n";
      else
        s += "<line x1=\"" + num(a.px(0)) + "\" y1=\"" + num(a.py(0)) + "\" x2=\"" + num(a.px(d.x[i])) + "\" y2=\"" + num(a.py(d.y[i])) +
             "\" stroke=\"" + c + "\" stroke-width=\"2.2\" marker-end=\"url(#arrow-" + xml_escape(f.name) + "-" + std::to_string(k) + ")\"/>\n";
    return s;
  }
  return s;
}

/// Every series in a group of its own, with its point labels.
std::string svg_data(const figure &f, const plot_area &a) {
  std::size_t bar_series = 0, bar_index = 0;
  for (const auto &d : f.data) bar_series += d.style == figure::mark::bars;
  std::string s;
  for (std::size_t k = 0; k < f.data.size(); ++k) {
    const auto &d = f.data[k];
    s += "<g class=\"series\" data-label=\"" + xml_escape(d.label) + "\">\n";
    s += svg_marks(f, k, a, bar_index, bar_series);
    bar_index += d.style == figure::mark::bars;
    for (std::size_t i = 0; i < d.point_labels.size(); ++i)
      s += "<text x=\"" + num(a.px(d.x[i]) + 7) + "\" y=\"" + num(a.py(d.y[i]) - 7) + "\" fill=\"" + colour(k) + "\" font-size=\"12\">" + xml_escape(d.point_labels[i]) + "</text>\n";
    s += "</g>\n";
  }
  return s;
}

std::string svg_legend(const figure &f) {
  std::string s;
  for (std::size_t k = 0; k < f.data.size(); ++k) {
    const double y = legend_top + legend_row * double(k);
    const auto &d = f.data[k];
    const std::string c = colour(k);
    if (d.style == figure::mark::points)
      s += "<circle cx=\"" + num(plot_left + 12) + "\" cy=\"" + num(y - 4) + "\" r=\"5\" fill=\"" + c + "\"/>\n";
    else if (d.style == figure::mark::bars)
      s += "<rect x=\"" + num(plot_left + 4) + "\" y=\"" + num(y - 10) + "\" width=\"16\" height=\"12\" fill=\"" + c + "\"/>\n";
    else
      s += "<line x1=\"" + num(plot_left) + "\" y1=\"" + num(y - 4) + "\" x2=\"" + num(plot_left + 24) + "\" y2=\"" + num(y - 4) + "\" stroke=\"" + c + "\" stroke-width=\"2.5\"" +
           (d.style == figure::mark::dashed ? " stroke-dasharray=\"7 5\"" : "") + "/>\n";
    s += "<text x=\"" + num(plot_left + 32) + "\" y=\"" + num(y) + "\">" + xml_escape(d.label) + "</text>\n";
  }
  return s;
}

} // namespace

std::string render_svg(const figure &f) {
  const plot_area a = area_of(f);
  const std::vector<std::string> caption = wrap(f.caption, 84);
  const double caption_top = legend_top + legend_row * double(f.data.size()) + 8;
  const double height = caption_top + 17 * double(caption.size()) + 6;
  std::string s = svg_opening(f, height) + svg_axes(f, a) + svg_data(f, a) + svg_legend(f);
  for (std::size_t i = 0; i < caption.size(); ++i)
    s += "<text x=\"" + num(plot_left) + "\" y=\"" + num(caption_top + 17 * double(i)) +
         "\" fill=\"#333333\" font-size=\"12\">" + xml_escape(caption[i]) + "</text>\n";
  return s + "</svg>\n";
}

} // namespace gradlaws
