#include "entries.hpp"
#include "options.hpp"
#include "workers.hpp"

#include <algorithm>

namespace gradlaws::cli {

std::vector<std::string> variant_names(const entry &e) { return e.variants(); }

run_result run_variant(const work_item &w, const run_options &opt) {
  return w.of->run(w.variant, opt);
}

const entry &entry_named(const std::string &name) {
  std::vector<std::string> names;
  for (const entry *e : catalogue()) names.push_back(e->name);
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw usage_error("unknown catalogue entry '" + name + "'",
                      suggestion(name, names, entries_hint));
  return find_entry(name);
}

std::vector<std::string> variants_of(const entry &e, const std::optional<std::string> &only) {
  auto all = variant_names(e);
  if (!only) return all;
  if (std::find(all.begin(), all.end(), *only) == all.end())
    throw usage_error(e.name + " has no variant '" + *only + "'",
                      suggestion(*only, all, "gradlaws list --variants shows each entry's variants"));
  return {*only};
}

std::vector<work_item> work_of(const std::vector<const entry *> &entries,
                               const std::optional<std::string> &only) {
  std::vector<work_item> work;
  for (const entry *e : entries)
    for (auto &v : variants_of(*e, only)) work.push_back({e, std::move(v)});
  return work;
}

run_options with_seed(run_options opt, int seed) {
  opt.seed = std::uint64_t(seed);
  return opt;
}

bool kind_selected(const options &o, const entry &e) {
  if (!o.kind) return true;
  return (*o.kind == "fallacy") == (e.kind == entry_kind::fallacy);
}

int jobs_of(const options &o) { return o.jobs > 0 ? o.jobs : default_jobs(); }

void resolve_entries(const options &o) {
  for (const auto &name : o.names) {
    const entry &e = entry_named(name);
    if (o.variant) (void)variants_of(e, o.variant);
  }
}

} // namespace gradlaws::cli
