#include "entries.hpp"
#include "options.hpp"
#include "terminal.hpp"
#include "workers.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

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

run_options with_seed(run_options opt, std::uint64_t seed) {
  opt.seed = seed;
  return opt;
}

std::uint64_t first_seed(const options &o) { return o.run.seed.value_or(1); }

std::string seeds_text(const options &o) {
  return std::to_string(first_seed(o)) + ".." +
         std::to_string(first_seed(o) + std::uint64_t(o.seeds) - 1);
}

void check_seed_range(const options &o) {
  const std::uint64_t last_first = UINT64_MAX - std::uint64_t(o.seeds - 1);
  if (first_seed(o) > last_first)
    throw usage_error(std::to_string(o.seeds) + " seeds from " + std::to_string(first_seed(o)) +
                          " run past the largest seed, " + std::to_string(UINT64_MAX),
                      "give a --seed of at most " + std::to_string(last_first));
}

double timeout_of(const options &o) {
  if (o.timeout) return *o.timeout;
  return 600.0 * std::max(1, (o.run.cases + 99) / 100);
}

item_watch watch_of(const options &o, std::ostream &err,
                    std::function<std::string(std::size_t)> name, int runs) {
  item_watch w;
  w.deadline = timeout_of(o) * runs;
  // The default progress lines need a worker process; without a deadline, --jobs 1 runs in
  // this process (as under a debugger), unless progress was asked for.
  w.every = o.progress ? *o.progress : o.err_terminal && w.deadline > 0 ? 10 : 0;
  w.progress = [&err](const std::string &line) { err << fit_lines(line + "\n") << std::flush; };
  w.name = std::move(name);
  char per_run[32];
  std::snprintf(per_run, sizeof per_run, "%g s", timeout_of(o));
  w.deadline_note = std::string(" (--timeout: ") + per_run +
                    (runs > 1 ? " for each of its " + std::to_string(runs) + " seeds)" : ")");
  return w;
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
