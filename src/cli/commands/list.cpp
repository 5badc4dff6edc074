// gradlaws list: the catalogue, one line per entry with its formula; or one registry.

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../terminal.hpp"

#include <gradlaws/gallery.hpp>
#include <gradlaws/registries.hpp>
#include <gradlaws/report.hpp>

#include <algorithm>
#include <ostream>

namespace gradlaws::cli {

namespace {

/// The registries `list` shows.
const std::vector<std::string> &registries() {
  static const std::vector<std::string> r{"activations", "losses", "layers", "strategies",
                                          "aggregations", "gallery"};
  return r;
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

} // namespace

void check_registry_operand(const options &o) {
  if (o.names.empty()) return;
  const std::string &name = o.names.front();
  if (o.names.size() > 1)
    throw usage_error("list takes one registry, got " + std::to_string(o.names.size()) +
                      " names", "e.g. gradlaws list activations");
  if (std::find(registries().begin(), registries().end(), name) != registries().end()) return;
  const auto all = catalogue();
  const bool entry = std::any_of(all.begin(), all.end(),
                                 [&](const gradlaws::entry *e) { return e->name == name; });
  throw usage_error("unknown registry '" + name + "'",
                    entry ? "'" + name + "' is a catalogue entry; gradlaws check " + name +
                                " runs it"
                          : suggestion(name, registries(), "gradlaws --help lists the registries"));
}

int run_list(const options &o, std::ostream &out, std::ostream &) {
  if (!o.names.empty()) return list_registry(o.names.front(), out);
  std::size_t tests = 0;
  for (const auto *e : catalogue()) {
    if (!kind_selected(o, *e)) continue;
    const auto v = variant_names(*e);
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

} // namespace gradlaws::cli
