// Refusals: one line naming the problem, one hint, and a did-you-mean when a name is close to
// one that exists.

#include "cli.hpp"
#include "options.hpp"
#include "terminal.hpp"

#include <gradlaws/report.hpp>

#include <algorithm>
#include <ostream>

namespace gradlaws::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // d[i][j]: the distance between the first i characters of a and the first j of b.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1); // a swap of two neighbours
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string> &known) {
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string &k : known) {
    const std::size_t d = edit_distance(name, k);
    if (d <= limit && d < name.size() && (!best || d < best_distance)) {
      best = k;
      best_distance = d;
    }
  }
  if (best || name.size() < 3) return best;
  for (const std::string &k : known) // no typo: the one name it begins, if only one
    if (k.rfind(name, 0) == 0) {
      if (best) return std::nullopt;
      best = k;
    }
  return best;
}

std::string suggestion(const std::string &name, const std::vector<std::string> &known,
                       const std::string &fallback) {
  const auto near = closest_name(name, known);
  return near ? "did you mean '" + *near + "'? (" + fallback + ")" : fallback;
}

namespace {

/// A library's "unknown K 'name'; known: a, b, c" as the line before the list and a hint: a
/// did-you-mean, or the list itself when it fits a line.
void hint_from_known_list(std::string &what, std::string &hint) {
  const std::size_t at = what.find("; known: ");
  const std::size_t open = what.find('\''), close = what.rfind('\'', at);
  if (at == std::string::npos || open >= close) return;
  const std::string name = what.substr(open + 1, close - open - 1), list = what.substr(at + 9);
  std::vector<std::string> known;
  for (std::size_t k = 0; k <= list.size();) {
    const std::size_t end = std::min(list.find(", ", k), list.size());
    known.push_back(list.substr(k, end - k));
    k = end + 2;
  }
  what.resize(at);
  const std::string all = "known: " + list;
  hint = suggestion(name, known, columns(all) + 8 <= line_width ? all : "gradlaws list shows the names");
}

} // namespace

void print_error(std::ostream &err, const error &e) {
  std::string what = e.what(), hint;
  if (const auto *u = dynamic_cast<const usage_error *>(&e)) hint = u->hint();
  else if (dynamic_cast<const unknown_name_error *>(&e)) hint_from_known_list(what, hint);
  err << "gradlaws: " << what << "\n";
  if (!hint.empty()) err << "hint: " << hint << "\n";
}

} // namespace gradlaws::cli
