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
  std::size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
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
  const std::vector<std::string> laws = laws_run(outcomes);
  std::size_t name_width = 4;
  for (const gallery_outcome &o : outcomes) name_width = std::max(name_width, o.info.name.size());
  std::string s = "kill matrix: variants of each law that caught the bug / variants run "
                  "(· = the law does not apply)\n";
  s += padded("bug", name_width + 2);
  for (std::size_t k = 0; k < laws.size(); ++k) s += padded("L" + std::to_string(k + 1), 6);
  s += "caught  twin\n";
  for (const gallery_outcome &o : outcomes) {
    s += padded(o.info.name, name_width + 2);
    for (const std::string &law : laws) {
      int run = 0, caught = 0;
      for (const run_result &r : o.bug)
        if (r.entry == law) {
          ++run;
          caught += r.status == run_status::falsified;
        }
      s += padded(run ? std::to_string(caught) + "/" + std::to_string(run) : "·", 6);
    }
    int twin_passed = 0;
    for (const run_result &r : o.twin) twin_passed += r.passed;
    s += padded(o.caught() ? "yes" : "NO", 8) + std::to_string(twin_passed) + "/" +
         std::to_string(o.twin.size()) + " held\n";
  }
  s += "laws:";
  for (std::size_t k = 0; k < laws.size(); ++k)
    s += (k % 3 == 0 ? "\n  " : "   ") + padded("L" + std::to_string(k + 1) + " " + laws[k], 36);
  return s + "\n";
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
