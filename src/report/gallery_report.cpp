#include "gradlaws/gallery_report.hpp"

#include <algorithm>
#include <map>

namespace gradlaws {

namespace {

std::vector<std::string> laws_run(const std::vector<gallery_outcome> &outcomes) {
  std::vector<std::string> laws;
  for (const gallery_outcome &o : outcomes)
    for (const run_result &r : o.bug)
      if (std::find(laws.begin(), laws.end(), r.entry) == laws.end()) laws.push_back(r.entry);
  std::sort(laws.begin(), laws.end());
  return laws;
}

std::string padded(std::string s, std::size_t width) {
  // Width in characters, not bytes (names are ASCII; "·" is one character in three bytes).
  const std::size_t shown = columns(s);
  if (shown < width) s.append(width - shown, ' ');
  return s;
}

std::string indent(const std::string &text, const std::string &pad) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out += pad + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

} // namespace

std::string render_kill_matrix(const std::vector<gallery_outcome> &outcomes) {
  // Laws are rows (their names read whole), bugs are columns B1, B2, … named below; blocks of
  // at most ten bugs keep every line within 100 columns.
  const std::vector<std::string> laws = laws_run(outcomes);
  std::size_t name_width = 10; // "twin held"
  for (const std::string &law : laws) name_width = std::max(name_width, law.size());
  name_width += 2;
  // A cell is at least 6 characters and one more than its widest entry ("240/240"); blocks
  // hold as many bugs as fit in 100 columns, ten at most.
  std::size_t widest = 5;
  for (const gallery_outcome &o : outcomes)
    widest = std::max(widest, 2 * std::to_string(std::max(o.bug.size(), o.twin.size())).size() + 1);
  const std::size_t cell = widest + 1;
  const std::size_t per_block =
      std::clamp<std::size_t>((100 - std::min<std::size_t>(name_width, 60)) / cell, 1, 10);
  std::string s = "kill matrix: the variants of each law (row) that caught each bug (column) /\n"
                  "variants run; · = the law does not apply to the bug's code\n";
  for (std::size_t first = 0; first < outcomes.size(); first += per_block) {
    const std::size_t last = std::min(outcomes.size(), first + per_block);
    s += "\n" + padded("law", name_width);
    for (std::size_t b = first; b < last; ++b) s += padded("B" + std::to_string(b + 1), cell);
    s += "\n";
    for (const std::string &law : laws) {
      s += padded(law, name_width);
      for (std::size_t b = first; b < last; ++b) {
        int run = 0, caught = 0;
        for (const run_result &r : outcomes[b].bug)
          if (r.entry == law) {
            ++run;
            caught += r.status == run_status::falsified;
          }
        s += padded(run ? std::to_string(caught) + "/" + std::to_string(run) : "·", cell);
      }
      s += "\n";
    }
    s += padded("caught", name_width);
    for (std::size_t b = first; b < last; ++b) s += padded(outcomes[b].caught() ? "yes" : "NO", cell);
    s += "\n" + padded("twin held", name_width);
    for (std::size_t b = first; b < last; ++b) {
      int held = 0;
      for (const run_result &r : outcomes[b].twin) held += r.passed;
      s += padded(std::to_string(held) + "/" + std::to_string(outcomes[b].twin.size()), cell);
    }
    s += "\n";
  }
  s += "bugs:";
  for (std::size_t b = 0; b < outcomes.size(); ++b)
    s += (b % 2 == 0 ? "\n  " : "  ") + padded("B" + std::to_string(b + 1) + " " + outcomes[b].info.name, 44);
  s += "\n";
  // No trailing spaces from the last padded column.
  std::string trimmed;
  for (std::size_t at = 0; at < s.size();) {
    const std::size_t end = s.find('\n', at);
    std::string line = s.substr(at, end - at);
    line.erase(line.find_last_not_of(' ') + 1);
    trimmed += line + "\n";
    at = end + 1;
  }
  return trimmed;
}

std::string render_gallery(const std::vector<gallery_outcome> &outcomes, timings t) {
  std::string s = render_kill_matrix(outcomes);
  int caught = 0, twins = 0;
  for (const gallery_outcome &o : outcomes) {
    caught += o.caught();
    twins += o.twin_passed();
    s += "\n== " + o.info.name + " (" + o.info.subject + "): " + (o.caught() ? "caught" : "NOT CAUGHT") + "\n";
    s += o.info.title + "\n";
    s += indent(o.info.story, "  ");
    if (const run_result *w = o.witness()) {
      s += "caught by " + std::string(to_string(w->kind)) + " " + w->entry + " [" + w->variant +
           "]: " + (w->found ? w->found->summary() : w->message) + "\n";
      s += "shrunk counterexample\n" + indent(w->counterexample, "    ");
      for (const auto &[k, v] : w->details) s += padded(k, 24) + v + "\n";
      s += "reproduce " + w->reproduce + "\n";
    } else {
      for (const run_result &r : o.bug)
        if (!r.passed) s += "  " + summary_line(r, t) + "\n";
    }
    if (!o.info.expected_match.empty())
      s += "expected diagnosis: " + o.info.expected_match + "\n";
    s += "correct twin: " + std::string(o.twin_passed() ? "held on every law" : "FAILED") + " (" +
         std::to_string(o.twin.size()) + " law runs)\n";
    for (const run_result &r : o.twin)
      if (!r.passed) s += "  " + summary_line(r, t) + "\n";
  }
  s += "\n" + std::to_string(caught) + " of " + std::to_string(outcomes.size()) +
       " bugs caught and diagnosed; " + std::to_string(twins) + " of " +
       std::to_string(outcomes.size()) + " correct twins held\n";
  return s;
}

} // namespace gradlaws
