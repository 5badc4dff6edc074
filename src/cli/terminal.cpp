// Fitting lines to the terminal, colour, and the summary line of a run.

#include "terminal.hpp"

#include <gradlaws/report.hpp>

#include <algorithm>
#include <utility>

namespace gradlaws::cli {

bool colour_wanted(std::string_view when, bool terminal, const char *no_color, const char *term) {
  if (when == "always") return true;
  if (when == "never") return false;
  if (no_color && *no_color) return false;
  if (term && std::string_view(term) == "dumb") return false;
  return terminal;
}

std::string wrap(const std::string &first, const std::string &text, std::size_t indent,
                 const std::string &tail, std::size_t width) {
  std::vector<std::pair<std::string, std::string>> words; // the spaces before, the word
  for (std::size_t k = 0; k < text.size();) {
    const std::size_t start = text.find_first_not_of(' ', k);
    if (start == std::string::npos) break;
    const std::size_t end = std::min(text.find(' ', start), text.size());
    // "name [variant]" stays on one line.
    if (text[start] == '[' && start - k == 1 && !words.empty())
      words.back().second += " " + text.substr(start, end - start);
    else words.emplace_back(text.substr(k, start - k), text.substr(start, end - start));
    k = end;
  }
  if (!tail.empty()) words.emplace_back("   ", tail);
  std::vector<int> depth; // brackets open before each word
  for (int d = 0; const auto &w : words) {
    depth.push_back(d);
    for (char c : w.second) d += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
  }
  std::string out;
  for (std::size_t k = 0, line = 0; k < words.size() || line == 0; ++line) {
    const std::string prefix = line == 0 ? first : std::string(indent, ' ');
    const std::size_t room = width > columns(prefix) ? width - columns(prefix) : 0;
    std::size_t fit = k, used = 0; // words k..fit-1 take `used` columns
    std::vector<std::size_t> at;   // the columns used before each word
    for (; fit < words.size(); ++fit) {
      const std::size_t w = (fit == k ? 0 : columns(words[fit].first)) + columns(words[fit].second);
      if (fit > k && used + w > room) break;
      at.push_back(used);
      used += w;
    }
    // Where to break: a run of spaces, else a space outside brackets, in the line's second half.
    at.push_back(used);
    bool found = fit == words.size();
    for (const std::size_t gap : {2, 1})
      for (std::size_t g = fit; !found && g > k; --g)
        if (words[g].first.size() >= gap && depth[g] == 0 && 2 * at[g - k] >= room) {
          fit = g;
          found = true;
        }
    out += prefix;
    for (std::size_t j = k; j < fit; ++j) out += (j == k ? "" : words[j].first) + words[j].second;
    out += "\n";
    k = fit;
  }
  return out;
}

std::string pad(const std::string &s, std::size_t n) {
  const std::size_t c = columns(s);
  return s + std::string(c < n ? n - c : 1, ' ');
}

std::string paint_status(std::string_view word, bool on) {
  if (!on) return std::string(word);
  const bool bad = word == "FAIL" || word == "FAILED" || word == "failed";
  return std::string(bad ? "\033[1;31m" : "\033[32m") + std::string(word) + "\033[0m";
}

std::string fit_lines(const std::string &text) {
  std::string out;
  bool code = false; // in a drafted regression test: source code, never broken
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    code = line == "regression test" || (code && (line.empty() || line.rfind("    ", 0) == 0));
    if (code || columns(line) <= line_width) {
      out += line + "\n";
      continue;
    }
    const std::size_t lead = line.find_first_not_of(' ');
    std::size_t value = lead;
    if (const std::size_t gap = line.find("  ", lead); gap != std::string::npos && gap < lead + 26) {
      const std::size_t start = line.find_first_not_of(' ', gap);
      if (start != std::string::npos) value = start;
    }
    const std::size_t indent = value > lead ? columns(line.substr(0, value)) : lead + 4;
    out += wrap(line.substr(0, value), line.substr(value), indent);
  }
  if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
  return out;
}

std::string paint_heading(std::string text, bool on) {
  if (!on) return text;
  const std::size_t eol = text.find('\n');
  const std::size_t at = text.rfind("]: ", eol);
  if (at == std::string::npos) return text;
  const std::size_t start = at + 3, end = std::min(text.find(' ', start), eol);
  return text.substr(0, start) + paint_status(text.substr(start, end - start), true) +
         text.substr(std::min(end, text.size()));
}

std::string paint_first_word(const std::string &line, bool on) {
  const std::size_t end = line.find(' ');
  if (!on || end == std::string::npos) return line;
  return paint_status(line.substr(0, end), true) + line.substr(end);
}

void tally::add(entry_kind kind, bool passed, int run_cases, const std::string &entry,
                const std::string &variant) {
  ++variants;
  if (!passed) failed.push_back(entry + " [" + variant + "]");
  else if (kind == entry_kind::fallacy) ++refuted;
  else {
    ++held;
    cases += run_cases;
  }
}

std::string tally::line(bool on) const {
  std::string text;
  const auto part = [&](const std::string &p) { text += (text.empty() ? "" : ", ") + p; };
  if (held) part(std::to_string(held) + " held (" + grouped(cases) + (cases == 1 ? " case)" : " cases)"));
  if (refuted) part(std::to_string(refuted) + " refuted as expected");
  if (!failed.empty()) {
    std::string names;
    for (const auto &f : failed) names += (names.empty() ? "" : ", ") + f;
    part(std::to_string(failed.size()) + " FAILED: " + names);
  }
  if (variants == 0) text = "nothing ran";
  std::string s = wrap(std::to_string(variants) + (variants == 1 ? " variant: " : " variants: "), text, 2);
  // Escape codes take no columns: the plain text is wrapped, then its status words coloured.
  if (on)
    for (const std::string word : {"held", "refuted", "FAILED"}) {
      const std::size_t at = s.find(" " + word);
      if (at != std::string::npos) s.replace(at + 1, word.size(), paint_status(word, true));
    }
  return s;
}

} // namespace gradlaws::cli
