#include "cli.hpp"
#include "workers.hpp"

#include <gradlaws/catalogue.hpp>
#include <gradlaws/error.hpp>
#include <gradlaws/gallery_report.hpp>
#include <gradlaws/registries.hpp>
#include <gradlaws/report.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string_view>

#include <unistd.h>

#ifndef GRADLAWS_VERSION
#define GRADLAWS_VERSION "unknown" // set by CMake from project(... VERSION ...)
#endif

namespace gradlaws::cli {

std::string version_line() { return std::string("gradlaws ") + GRADLAWS_VERSION; }

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

bool colour_wanted(std::string_view when, bool terminal, const char *no_color, const char *term) {
  if (when == "always") return true;
  if (when == "never") return false;
  if (no_color && *no_color) return false;
  if (term && std::string_view(term) == "dumb") return false;
  return terminal;
}

namespace {

constexpr std::size_t line_width = 100;

/// `first`, then the words of `text`, broken at spaces into lines of at most `width` columns;
/// continuation lines are indented by `indent` spaces. A break goes at a run of spaces (a
/// formula's own gaps, "  ⇒  ") or else at a space outside brackets when there is one in the
/// second half of the line, else at the last space that fits, never inside "name [variant]"; a
/// word longer than a line stays whole. `tail` goes last, unbroken, after
/// three spaces (e.g. "(3 variants)").
std::string wrap(const std::string &first, const std::string &text, std::size_t indent,
                 const std::string &tail = "", std::size_t width = line_width) {
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

/// `s` padded with spaces to `n` columns, or followed by one space if it is as wide or wider.
std::string pad(const std::string &s, std::size_t n) {
  const std::size_t c = columns(s);
  return s + std::string(c < n ? n - c : 1, ' ');
}

enum class colour { green, red };

/// `word` in colour, when `on`.
std::string paint(std::string_view word, colour c, bool on) {
  if (!on) return std::string(word);
  return std::string(c == colour::green ? "\033[32m" : "\033[1;31m") + std::string(word) + "\033[0m";
}

/// The status word of a result ("PASS", "REFUTED", "FAIL", "held", …) in its colour: red for a
/// failure, green otherwise.
std::string paint_status(std::string_view word, bool on) {
  const bool bad = word == "FAIL" || word == "FAILED" || word == "failed";
  return paint(word, bad ? colour::red : colour::green, on);
}

/// Text whose lines fit line_width columns: a longer line is broken at spaces (wrap), its
/// continuation lines aligned under its value when it starts with a label and two spaces
/// ("claim     …"), else indented four more than the line. A word wider than a line (a
/// reproduce token, which must stay copyable) stays whole, and a drafted regression test (the
/// indented lines after "regression test") is source code: never broken.
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

/// render_text with the status word of its heading ("== law x [v]: PASS …") in colour.
std::string paint_heading(std::string text, bool on) {
  if (!on) return text;
  const std::size_t eol = text.find('\n');
  const std::size_t at = text.rfind("]: ", eol);
  if (at == std::string::npos) return text;
  const std::size_t start = at + 3, end = std::min(text.find(' ', start), eol);
  return text.substr(0, start) + paint_status(text.substr(start, end - start), true) +
         text.substr(std::min(end, text.size()));
}

/// A one-line summary (summary_line: "PASS  law …") with its first word in colour.
std::string paint_first_word(const std::string &line, bool on) {
  const std::size_t end = line.find(' ');
  if (!on || end == std::string::npos) return line;
  return paint_status(line.substr(0, end), true) + line.substr(end);
}

/// What a run of several variants came to, counted from their results.
struct tally {
  std::size_t variants = 0, held = 0, refuted = 0;
  long long cases = 0;               ///< cases of the laws that held
  std::vector<std::string> failed;   ///< "entry [variant]"

  void add(entry_kind kind, bool passed, int run_cases, const std::string &entry,
           const std::string &variant) {
    ++variants;
    if (!passed) failed.push_back(entry + " [" + variant + "]");
    else if (kind == entry_kind::fallacy) ++refuted;
    else {
      ++held;
      cases += run_cases;
    }
  }

  /// "21 variants: 20 held (2,000 cases), 1 FAILED: linearity [relu_exact]", wrapped to the
  /// line width; the status words in colour when `on`.
  std::string line(bool on) const {
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
};

/// A usage error: one line naming the problem and one hint line, exit status 2.
class usage_error : public error {
public:
  usage_error(const std::string &what, std::string hint = "")
      : error(what), hint_(std::move(hint)) {}
  const std::string &hint() const { return hint_; }

private:
  std::string hint_;
};

constexpr const char *flags_hint = "gradlaws --help describes the flags";
constexpr const char *entries_hint = "gradlaws list shows the catalogue's entries";

/// "did you mean 'X'? (fallback)" when `name` looks like a typo of a known name, else fallback.
std::string suggestion(const std::string &name, const std::vector<std::string> &known,
                       const std::string &fallback) {
  const auto near = closest_name(name, known);
  return near ? "did you mean '" + *near + "'? (" + fallback + ")" : fallback;
}

const std::vector<std::string> &commands() {
  static const std::vector<std::string> c{"list",    "check", "report",  "rates",
                                          "sweep",   "gallery", "version", "help"};
  return c;
}

/// Every flag, with the value it takes ("" for none).
const std::vector<std::pair<std::string, std::string>> &flags() {
  static const std::vector<std::pair<std::string, std::string>> f{
      {"--help", ""},       {"--version", ""},   {"--seed", "N"},       {"--cases", "N"},
      {"--digits", "D"},    {"--seeds", "N"},    {"--jobs", "N"},       {"--variant", "V"},
      {"--out", "FILE"},    {"--kind", "K"},     {"--format", "F"},     {"--no-timings", ""},
      {"--variants", ""},   {"--color", "WHEN"}, {"--html", ""}};
  return f;
}

std::vector<std::string> flag_names() {
  std::vector<std::string> names;
  for (const auto &[name, value] : flags()) names.push_back(name);
  return names;
}

/// The registries `list` shows.
const std::vector<std::string> &registries() {
  static const std::vector<std::string> r{"activations", "losses", "layers", "strategies",
                                          "gallery"};
  return r;
}

struct options {
  std::string command;
  std::vector<std::string> names;
  std::optional<std::string> variant, out, kind, format;
  run_options run;
  int seeds = 100;
  bool seeds_given = false;
  bool timings = true;
  bool variants = false;
  bool html = false; ///< report: also a self-contained HTML page beside the Markdown
  int jobs = 0; ///< processes for report, rates, sweep and gallery --seeds (0: one per core)
  std::string colour = "auto"; ///< --color: auto, always or never
  bool colour_out = false, colour_err = false; ///< set by run() from colour and the streams
};

/// The confirmation runs at D + extra_digits, and MPFR's precision scope allows 100000 digits.
constexpr int max_cli_digits = 100000 - tolerances{}.extra_digits;

template <class Int> Int parse_int(const std::string &flag, const std::string &text, Int lo, Int hi) {
  Int v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    std::ostringstream os;
    os << flag << " needs a whole number in [" << lo << ", " << hi << "], got '" << text << "'";
    throw usage_error(os.str(), flags_hint);
  }
  return v;
}

/// `value` if it is one of `allowed`, else a usage error naming them.
std::string one_of(const std::string &flag, const std::string &value,
                   const std::vector<std::string> &allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string list;
  for (std::size_t i = 0; i < allowed.size(); ++i)
    list += (i == 0 ? "'" : i + 1 < allowed.size() ? ", '" : " or '") + allowed[i] + "'";
  throw usage_error(flag + " is " + list + ", got '" + value + "'",
                    suggestion(value, allowed, flags_hint));
}

options parse(const std::vector<std::string> &args) {
  options o;
  o.run = options_from_environment(); // RC_PARAMS and GRADLAWS_DIGITS; flags override them
  std::size_t i = 0;
  if (i < args.size() && args[i].rfind("-", 0) != 0) o.command = args[i++];
  else if (i < args.size() && (args[i] == "--help" || args[i] == "-h")) o.command = "help";
  else o.command = "report"; // the main job
  if (std::find(commands().begin(), commands().end(), o.command) == commands().end())
    throw usage_error("unknown command '" + o.command + "'",
                      suggestion(o.command, commands(), "gradlaws --help lists the commands"));
  std::vector<std::string> seen;
  bool help = false, version = false;
  for (; i < args.size(); ++i) {
    std::string a = args[i];
    std::optional<std::string> attached; // --color=WHEN
    if (a.rfind("--color=", 0) == 0) {
      attached = a.substr(8);
      a = "--color";
    }
    if (a.rfind("--", 0) == 0) {
      if (std::find(seen.begin(), seen.end(), a) != seen.end())
        throw usage_error(a + " is given twice", "give each flag once");
      seen.push_back(a);
    }
    auto value = [&]() -> std::string {
      if (attached) return *attached;
      std::string form = a;
      for (const auto &[name, v] : flags())
        if (name == a) form += " " + v;
      const std::string hint = "write it as '" + form + "' (" + flags_hint + ")";
      if (i + 1 >= args.size()) throw usage_error(a + " needs a value", hint);
      const std::string &v = args[i + 1];
      // A value that looks like a flag is a missing value, not a file named "--no-timings".
      if (v.rfind("--", 0) == 0) throw usage_error(a + " needs a value, got the flag '" + v + "'", hint);
      return args[++i];
    };
    if (a == "--help" || a == "-h") help = true;
    else if (a == "--version") version = true;
    else if (a == "--seed") o.run.seed = parse_int<std::uint64_t>(a, value(), 0, UINT64_MAX);
    else if (a == "--cases") o.run.cases = parse_int<int>(a, value(), 1, 1000000);
    else if (a == "--digits") o.run.digits = parse_int<int>(a, value(), 10, max_cli_digits);
    else if (a == "--seeds") {
      o.seeds = parse_int<int>(a, value(), 1, 100000);
      o.seeds_given = true;
    }
    else if (a == "--jobs") o.jobs = parse_int<int>(a, value(), 1, 256);
    else if (a == "--variant") o.variant = value();
    else if (a == "--out") o.out = value();
    else if (a == "--kind") o.kind = one_of(a, value(), {"law", "fallacy"});
    else if (a == "--format") o.format = one_of(a, value(), {"text", "markdown", "json"});
    else if (a == "--color") o.colour = one_of(a, value(), {"auto", "always", "never"});
    else if (a == "--no-timings") o.timings = false;
    else if (a == "--variants") o.variants = true;
    else if (a == "--html") o.html = true;
    else if (a.rfind("-", 0) == 0) {
      const std::string flag = a.substr(0, a.find('='));
      const auto names = flag_names();
      if (flag != a && std::find(names.begin(), names.end(), flag) != names.end())
        throw usage_error("unknown flag '" + a + "'",
                          "give the value after a space: " + flag + " " + a.substr(flag.size() + 1));
      throw usage_error("unknown flag '" + a + "'",
                        suggestion(flag, names, "gradlaws --help lists the flags"));
    }
    else o.names.push_back(a);
  }
  // Help and version answer whatever else is on the line (its flags were still checked).
  if (help) o.command = "help";
  else if (version) o.command = "version";
  if (o.command == "help" || o.command == "version") return o;
  if (o.command == "check" && o.names.empty())
    throw usage_error("check needs the name of a catalogue entry", entries_hint);
  if (o.command == "list" && !o.names.empty()) {
    const std::string &name = o.names.front();
    if (o.names.size() > 1)
      throw usage_error("list takes one registry, got " + std::to_string(o.names.size()) +
                        " names", "e.g. gradlaws list activations");
    if (std::find(registries().begin(), registries().end(), name) == registries().end()) {
      const auto all = catalogue();
      const bool entry = std::any_of(all.begin(), all.end(),
                                     [&](const gradlaws::entry *e) { return e->name == name; });
      throw usage_error("unknown registry '" + name + "'",
                        entry ? "'" + name + "' is a catalogue entry; gradlaws check " + name +
                                    " runs it"
                              : suggestion(name, registries(), "the registries: activations, "
                                                               "losses, layers, strategies, gallery"));
    }
  } else if (o.command != "check" && o.command != "rates" && o.command != "sweep" &&
             o.command != "gallery" && !o.names.empty())
    throw usage_error("'" + o.command + "' takes no names, got '" + o.names.front() + "'",
                      "names go with check, rates, sweep and gallery");
  // A flag that does not apply to the command is an error, not silently ignored.
  const std::string which = "gradlaws --help shows which flags go with which command";
  const auto only_for = [&](bool given, const std::string &flag,
                            std::initializer_list<const char *> commands) {
    if (!given) return;
    for (const char *c : commands)
      if (o.command == c) return;
    std::string list;
    for (const char *c : commands) list += (list.empty() ? "'" : " or '") + std::string(c) + "'";
    throw usage_error(flag + " goes with " + list + ", not with '" + o.command + "'", which);
  };
  only_for(o.variant.has_value(), "--variant", {"check"});
  only_for(o.variants, "--variants", {"list"});
  only_for(o.format.has_value(), "--format", {"check"});
  only_for(o.out.has_value(), "--out", {"report"});
  only_for(o.html, "--html", {"report"});
  only_for(o.kind.has_value(), "--kind", {"list", "report"});
  only_for(o.jobs > 0, "--jobs", {"report", "rates", "sweep", "gallery"});
  if (o.jobs > 0 && o.command == "gallery" && !o.seeds_given)
    throw usage_error("--jobs goes with 'gallery' only with --seeds (the kill matrix runs in one "
                      "process)", "add --seeds N, or leave --jobs out");
  only_for(std::find(seen.begin(), seen.end(), "--seeds") != seen.end(), "--seeds",
           {"rates", "sweep", "gallery"});
  const bool runs = o.command == "check" || o.command == "report" || o.command == "rates" ||
                    o.command == "sweep" || o.command == "gallery";
  for (const char *flag : {"--seed", "--cases", "--digits", "--no-timings"})
    if (!runs && std::find(seen.begin(), seen.end(), flag) != seen.end())
      throw usage_error(std::string(flag) + " goes with 'check', 'report', 'rates', 'sweep' or 'gallery', not with '" +
                        o.command + "'", which);
  return o;
}

int jobs_of(const options &o) { return o.jobs > 0 ? o.jobs : default_jobs(); }

bool kind_selected(const options &o, const entry &e) {
  if (!o.kind) return true;
  return (*o.kind == "fallacy") == (e.kind == entry_kind::fallacy);
}

/// The catalogue entry `name`; an unknown name is a usage error with a did-you-mean.
const entry &entry_named(const std::string &name) {
  std::vector<std::string> names;
  for (const entry *e : catalogue()) names.push_back(e->name);
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw usage_error("unknown catalogue entry '" + name + "'",
                      suggestion(name, names, entries_hint));
  return find_entry(name);
}

std::vector<std::string> variants_of(const entry &e, const std::optional<std::string> &only) {
  auto all = e.variants();
  if (!only) return all;
  if (std::find(all.begin(), all.end(), *only) == all.end())
    throw usage_error(e.name + " has no variant '" + *only + "'",
                      suggestion(*only, all, "gradlaws list --variants shows each entry's variants"));
  return {*only};
}

/// Every name on the command line, resolved as its command resolves it, before any work.
void resolve_names(const options &o) {
  if (o.command == "check" || o.command == "rates" || o.command == "sweep")
    for (const auto &name : o.names) {
      const entry &e = entry_named(name);
      if (o.variant) (void)variants_of(e, o.variant);
    }
  if (o.command == "gallery") {
    std::vector<std::string> known;
    for (const gallery_info &g : gallery_cases()) known.push_back(g.name);
    for (const std::string &n : o.names)
      if (std::find(known.begin(), known.end(), n) == known.end())
        throw usage_error("unknown gallery case '" + n + "'",
                          suggestion(n, known, "gradlaws list gallery shows the gallery's cases"));
  }
}

int list_registry(const std::string &kind, std::ostream &out) {
  std::vector<std::pair<std::string, std::string>> entries;
  if (kind == "gallery")
    for (const gallery_info &g : gallery_cases()) entries.emplace_back(g.name, g.title);
  for (const registry_listing &r : registry_listings())
    if (r.kind == kind) entries = r.entries;
  std::size_t width = 30; // the name column: wider for long names
  for (const auto &[name, description] : entries) width = std::max(width, columns(name) + 2);
  for (const auto &[name, description] : entries) out << wrap(pad(name, width), description, width);
  out << entries.size() << " " << (kind == "gallery" ? "gallery cases" : kind) << " registered\n";
  return 0;
}

int list(const options &o, std::ostream &out) {
  if (!o.names.empty()) return list_registry(o.names.front(), out);
  std::size_t tests = 0;
  for (const auto *e : catalogue()) {
    if (!kind_selected(o, *e)) continue;
    const auto v = e->variants();
    tests += v.size();
    // A formula too long for the line goes on under itself.
    out << wrap(pad(std::string(to_string(e->kind)), 14) + pad(e->name, 34), e->formula, 48,
                "(" + std::to_string(v.size()) + (v.size() == 1 ? " variant)" : " variants)"));
    if (o.variants) {
      std::string names;
      for (std::size_t i = 0; i < v.size(); ++i) names += v[i] + (i + 1 < v.size() ? ", " : "");
      out << wrap("    ", names, 4);
    }
  }
  out << tests << " tests in all; 'gradlaws check NAME' runs one entry\n";
  return 0;
}

int check(const options &o, std::ostream &out, std::ostream &err) {
  // Every name and variant is resolved before anything runs.
  std::vector<std::pair<const entry *, std::string>> work;
  for (const auto &name : o.names) {
    const entry &e = entry_named(name);
    for (const auto &v : variants_of(e, o.variant)) work.emplace_back(&e, v);
  }
  const auto t = o.timings ? timings::shown : timings::omitted;
  const bool json = o.format && *o.format == "json";
  const bool text = !o.format || *o.format == "text";
  tally counts;
  if (json) out << "[\n";
  for (std::size_t k = 0; k < work.size(); ++k) {
    const run_result r = work[k].first->run(work[k].second, o.run);
    if (json) {
      std::string object = render_json(r, t);
      if (!object.empty() && object.back() == '\n') object.pop_back();
      out << object << (k + 1 < work.size() ? ",\n" : "\n");
    }
    else if (!text) out << render_markdown(r, t);
    else out << paint_heading(fit_lines(render_text(r, t)), o.colour_out) << "\n";
    counts.add(r.kind, r.passed, r.cases, work[k].first->name, work[k].second);
  }
  if (json) out << "]\n";
  // The summary: after the reports as text; on stderr beside JSON or Markdown, which stay whole.
  if (text) out << counts.line(o.colour_out);
  else err << counts.line(o.colour_err);
  return counts.failed.empty() ? 0 : 1;
}

/// Opens the report file before any work, so that a path that cannot be written fails at
/// once, naming the path and the reason.
std::ofstream open_report(const std::string &path) {
  std::ofstream file(path);
  if (!file)
    throw usage_error("cannot write the report to '" + path + "': " + std::strerror(errno),
                      "choose a path that can be written with --out FILE");
  return file;
}

int report(const options &o, std::ostream &out, std::ostream &err) {
  namespace fs = std::filesystem;
  const std::string path = o.out.value_or("gradlaws-report.md");
  std::ofstream file = open_report(path);
  // The pictures go next to the report, in <stem>-pictures/; the HTML page beside it.
  const fs::path md(path);
  const std::string pictures = md.stem().string() + "-pictures";
  const std::string html_path = (md.parent_path() / (md.stem().string() + ".html")).string();
  std::ofstream html;
  if (o.html) html = open_report(html_path);
  const auto t = o.timings ? timings::shown : timings::omitted;
  std::vector<std::pair<const entry *, std::string>> work;
  for (const auto *e : catalogue())
    if (kind_selected(o, *e))
      for (const auto &v : e->variants()) work.emplace_back(e, v);
  // Each entry runs in a worker process and comes back as text: its progress line and its
  // report piece. They are printed and assembled in catalogue order, whatever ran first.
  std::vector<report_piece> pieces;
  int failed = 0;
  run_items(
      work.size(), jobs_of(o),
      [&](std::size_t k) -> item_output {
        const run_result r = work[k].first->run(work[k].second, o.run);
        item_output x{summary_line(r, t)};
        for (auto &f : report_piece_of(r, t).fields()) x.push_back(std::move(f));
        return x;
      },
      [&](std::size_t k, const item_output &x) {
        report_piece p = report_piece::from_fields({x.begin() + 1, x.end()});
        failed += !p.passed;
        pieces.push_back(std::move(p));
        std::ostringstream counter;
        counter << "[" << std::setw(3) << k + 1 << "/" << work.size() << "] ";
        const std::string line = fit_lines(counter.str() + x[0]);
        err << counter.str() << paint_first_word(line.substr(counter.str().size()), o.colour_err) << "\n";
      });
  file << assemble_markdown_report(pieces, o.run, t, pictures);
  file.flush();
  if (!file) throw error("cannot write the report to '" + path + "': " + std::strerror(errno));
  const std::size_t drawn = write_pictures(pieces, (md.parent_path() / pictures).string());
  if (o.html) {
    html << assemble_html_report(pieces, o.run, t);
    html.flush();
    if (!html) throw error("cannot write the report to '" + html_path + "': " + std::strerror(errno));
  }
  tally counts;
  for (const report_piece &p : pieces) counts.add(p.kind, p.passed, p.cases, p.entry, p.variant);
  out << counts.line(o.colour_out) << "report written to " << path;
  if (drawn) out << " (" << drawn << " pictures in " << (md.parent_path() / pictures).string() << ")";
  out << "\n";
  if (o.html) out << "HTML report written to " << html_path << "\n";
  return failed ? 1 : 0;
}

int rates(const options &o, std::ostream &out, std::ostream &err) {
  for (const auto &name : o.names) {
    const entry &e = entry_named(name);
    if (e.kind != entry_kind::fallacy)
      throw usage_error("'" + name + "' is a " + std::string(to_string(e.kind)) +
                        "; rates measures how fallacies shrink",
                        "gradlaws sweep " + name + " runs a law over seeds");
  }
  out << wrap("fallacy shrink rates: ", "the share of seeds 1.." + std::to_string(o.seeds) +
                   " on which the fallacy is falsified and shrinks to its expected shape", 0)
      << "\n";
  out << std::left << std::setw(52) << "entry [variant]" << " ";
  if (o.timings) out << std::setw(12) << "rate" << std::setw(12) << "mean time" << "max time\n";
  else out << "rate\n";
  std::vector<std::pair<const entry *, std::string>> work;
  for (const auto *e : catalogue()) {
    if (e->kind != entry_kind::fallacy) continue;
    if (!o.names.empty() && std::find(o.names.begin(), o.names.end(), e->name) == o.names.end()) continue;
    for (const auto &v : e->variants()) work.emplace_back(e, v);
  }
  tally counts; // a variant passes when it shrinks as expected on every seed
  // One item per variant, on the worker processes; rows printed in catalogue order.
  run_items(
      work.size(), jobs_of(o),
      [&](std::size_t k) -> item_output {
      const auto &[e, v] = work[k];
      int hits = 0;
      double total = 0, worst = 0;
      std::string first_miss;
      for (int s = 1; s <= o.seeds; ++s) {
        run_options ro = o.run;
        ro.seed = std::uint64_t(s);
        const run_result r = e->run(v, ro);
        hits += r.passed;
        total += r.seconds;
        worst = std::max(worst, r.seconds);
        if (!r.passed && first_miss.empty())
          first_miss = "seed " + std::to_string(s) + ": " +
                       (r.shape_problem.empty() ? std::string(to_string(r.status)) : r.shape_problem);
      }
      std::ostringstream rate, mean, max, row;
      rate << hits << "/" << o.seeds;
      mean << std::fixed << std::setprecision(3) << total / o.seeds << " s";
      max << std::fixed << std::setprecision(3) << worst << " s";
      row << std::left << std::setw(52) << (e->name + " [" + v + "]") << " "; // a space even after a long name
      if (o.timings) row << std::setw(12) << rate.str() << std::setw(12) << mean.str() << max.str();
      else row << rate.str();
      row << "\n";
      return {row.str(), first_miss.empty() ? "" : "  first miss of " + e->name + " [" + v + "]: " + first_miss + "\n",
              hits == o.seeds ? "1" : "0"};
      },
      [&](std::size_t k, const item_output &x) {
        out << x[0];
        err << x[1];
        counts.add(entry_kind::fallacy, x[2] == "1", 0, work[k].first->name, work[k].second);
      });
  out << counts.line(o.colour_out);
  return counts.failed.empty() ? 0 : 1;
}

/// Every law and boundary law (or the named ones), every variant, seeds 1..N: a law that fails
/// on any seed is a false alarm (or a real bug in gradlaws's own engine).
int gallery(const options &o, std::ostream &out, std::ostream &err) {
  std::vector<std::string> names = o.names;
  if (names.empty()) // (named cases were checked by resolve_names before anything ran)
    for (const gallery_info &g : gallery_cases()) names.push_back(g.name);
  if (o.seeds_given) {
    // The twins on the machine rung over seeds 1..N: false alarms of the rounding bound. Items
    // are blocks of seeds of one twin, run on the worker processes, delivered in order.
    constexpr int block = 25;
    const int blocks = (o.seeds + block - 1) / block;
    std::size_t runs = 0, alarms = 0, here = 0, failed = 0;
    run_items(
        names.size() * std::size_t(blocks), jobs_of(o),
        [&](std::size_t k) -> item_output {
          const std::string &n = names[k / std::size_t(blocks)];
          const int first = int(k % std::size_t(blocks)) * block + 1;
          std::size_t item_runs = 0, item_failed = 0;
          std::string lines;
          for (int s = first; s <= std::min(o.seeds, first + block - 1); ++s) {
            run_options ro = o.run;
            ro.seed = std::uint64_t(s);
            for (const run_result &r : run_gallery_twin_on_machine(n, ro)) {
              ++item_runs;
              if (!r.passed) {
                ++item_failed;
                lines += "false alarm: twin of " + n + ": " + r.entry + " [" + r.variant +
                         "] at seed " + std::to_string(s) + ": " +
                         (r.found ? r.found->summary() : r.message) + "\n";
              }
            }
          }
          return {lines, std::to_string(item_runs), std::to_string(item_failed)};
        },
        [&](std::size_t k, const item_output &x) {
          err << x[0];
          here += std::stoul(x[1]);
          failed += std::stoul(x[2]);
          if (k % std::size_t(blocks) + 1 < std::size_t(blocks)) return; // more blocks to come
          out << std::left << std::setw(40) << names[k / std::size_t(blocks)] << " " << here
              << " machine-rung runs of the twin, " << failed << " failed\n";
          runs += here;
          alarms += failed;
          here = failed = 0;
        });
    out << runs << " twin runs over " << o.seeds << " seeds: " << alarms << " false alarms\n";
    return alarms ? 1 : 0;
  }
  std::vector<gallery_outcome> outcomes;
  for (const std::string &n : names) {
    err << "gallery: " << n << "\n";
    outcomes.push_back(run_gallery_case(n, o.run));
  }
  out << fit_lines(render_gallery(outcomes, o.timings ? timings::shown : timings::omitted));
  const bool all = std::all_of(outcomes.begin(), outcomes.end(), [](const gallery_outcome &g) {
    return g.caught() && g.twin_passed();
  });
  return all ? 0 : 1;
}

int sweep(const options &o, std::ostream &out, std::ostream &err) {
  std::vector<const entry *> entries;
  for (const auto &name : o.names) {
    const entry &e = entry_named(name);
    if (e.kind == entry_kind::fallacy)
      throw usage_error("'" + name + "' is a fallacy; sweep runs laws",
                        "gradlaws rates " + name + " measures how a fallacy shrinks over seeds");
    entries.push_back(&e);
  }
  if (o.names.empty())
    for (const entry *e : catalogue())
      if (e->kind != entry_kind::fallacy) entries.push_back(e);
  std::vector<std::pair<const entry *, std::string>> work;
  for (const entry *e : entries)
    for (const auto &v : e->variants()) work.emplace_back(e, v);
  std::size_t runs = 0, alarms = 0;
  // One item per variant, on the worker processes; lines printed in catalogue order.
  run_items(
      work.size(), jobs_of(o),
      [&](std::size_t k) -> item_output {
        const auto &[e, v] = work[k];
        std::size_t failed = 0;
        std::string alarm_lines;
        for (int s = 1; s <= o.seeds; ++s) {
          run_options ro = o.run;
          ro.seed = std::uint64_t(s);
          const run_result r = e->run(v, ro);
          if (!r.passed) {
            ++failed;
            alarm_lines += "false alarm: " + e->name + " [" + v + "] at seed " + std::to_string(s) +
                           ": " + (r.found ? r.found->summary() : r.message) + "\n";
          }
        }
        std::ostringstream line;
        line << std::left << std::setw(52) << (e->name + " [" + v + "]") << " " << failed
             << " of " << o.seeds << " seeds failed\n";
        return {alarm_lines, line.str(), std::to_string(failed)};
      },
      [&](std::size_t, const item_output &x) {
        err << x[0];
        out << x[1];
        runs += std::size_t(o.seeds);
        alarms += std::stoul(x[2]);
      });
  out << runs << " law runs (" << entries.size() << " entries × variants × " << o.seeds
      << " seeds): " << alarms << " false alarms\n";
  return alarms ? 1 : 0;
}

/// One line naming the problem, then a hint line when there is a hint.
void print_error(std::ostream &err, const error &e) {
  std::string what = e.what(), hint;
  if (const auto *u = dynamic_cast<const usage_error *>(&e)) hint = u->hint();
  else if (dynamic_cast<const unknown_name_error *>(&e)) {
    // "unknown K 'name'; known: a, b, c" from a library: the list becomes a did-you-mean.
    const std::size_t at = what.find("; known: ");
    const std::size_t open = what.find('\''), close = what.rfind('\'', at);
    if (at != std::string::npos && open < close) {
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
  }
  err << "gradlaws: " << what << "\n";
  if (!hint.empty()) err << "hint: " << hint << "\n";
}

} // namespace

std::string usage() {
  return "usage: gradlaws [COMMAND] [FLAGS]\n"
         "\n"
         "commands:\n"
         "  report [--out FILE]         run every law and fallacy; write a Markdown report\n"
         "         [--html]             (default FILE: gradlaws-report.md) and its pictures\n"
         "                              (FILE's stem + -pictures/); with --html also one\n"
         "                              self-contained HTML page (FILE's stem + .html). The\n"
         "                              default command.\n"
         "  list [--variants]           the catalogue: one line per law and fallacy (and its\n"
         "                              variants)\n"
         "  list REGISTRY               a registry: activations, losses, layers, strategies or\n"
         "                              gallery (the bug gallery's cases)\n"
         "  check NAME... [--variant V] run entries and print their full reports, then a summary\n"
         "  rates [NAME...] [--seeds N] how often each fallacy shrinks to its expected shape\n"
         "                              over seeds 1..N (default 100)\n"
         "  sweep [NAME...] [--seeds N] every law on seeds 1..N (default 100): false alarms\n"
         "  gallery [NAME...]           the bug gallery: each real-world bug and its correct twin\n"
         "                              checked by every law; the kill matrix and diagnoses.\n"
         "                              With --seeds N: each twin on the machine rung over seeds\n"
         "                              1..N (its false alarms)\n"
         "  version                     the version (also --version)\n"
         "  help                        this text (also --help)\n"
         "\n"
         "flags:\n"
         "  --seed N        RapidCheck seed (default: one per entry, fixed)\n"
         "  --cases N       cases per law / budget per fallacy (default 100)\n"
         "  --digits D      working precision of the high rung (default 50)\n"
         "  --kind K        law or fallacy: restrict list and report\n"
         "  --format F      check output: text, markdown or json\n"
         "  --no-timings    leave wall-clock times out, so a seed gives a byte-identical report\n"
         "  --jobs N        processes for report, rates, sweep and gallery --seeds (default: one\n"
         "                  per core); the output is the same for every N\n"
         "  --html          report: also write the report as one self-contained HTML page\n"
         "  --color WHEN    colour the status words: auto (the default: on a terminal, unless\n"
         "                  NO_COLOR is set), always or never; also --color=WHEN\n";
}

int check_arguments(const std::vector<std::string> &args, std::ostream &err) {
  try {
    const options o = parse(args);
    resolve_names(o); // as the commands resolve them, before any work
    return 0;
  } catch (const error &e) {
    print_error(err, e);
    return 2;
  }
}

int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
  try {
    options o = parse(args);
    const char *no_color = std::getenv("NO_COLOR"), *term = std::getenv("TERM");
    o.colour_out = colour_wanted(o.colour, &out == &std::cout && isatty(STDOUT_FILENO), no_color, term);
    o.colour_err = colour_wanted(o.colour, &err == &std::cerr && isatty(STDERR_FILENO), no_color, term);
    resolve_names(o);
    int status = 0;
    if (o.command == "help") out << usage();
    else if (o.command == "version") out << version_line() << "\n";
    else if (o.command == "list") status = list(o, out);
    else if (o.command == "check") status = check(o, out, err);
    else if (o.command == "rates") status = rates(o, out, err);
    else if (o.command == "sweep") status = sweep(o, out, err);
    else if (o.command == "gallery") status = gallery(o, out, err);
    else status = report(o, out, err);
    out.flush();
    if (!out) {
      err << "gradlaws: cannot write to the standard output\n";
      return 2;
    }
    return status;
  } catch (const error &e) {
    print_error(err, e);
    return 2;
  }
}

} // namespace gradlaws::cli
