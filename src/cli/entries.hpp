#pragma once
// The command line's view of the catalogue: entries by name, their variants as units of work,
// and running one. run_variant and variant_names are the only places that call an entry's
// run and variants, so that a change in how an entry names its variants stays here.

#include "workers.hpp"

#include <gradlaws/catalogue.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace gradlaws::cli {

struct options;

/// One variant of one catalogue entry: what a worker process runs.
struct work_item {
  const entry *of = nullptr;
  std::string variant;

  /// "entry [variant]".
  std::string label() const { return of->name + " [" + variant + "]"; }
};

/// The names of an entry's variants, in the catalogue's order.
std::vector<std::string> variant_names(const entry &e);
/// Runs one variant.
run_result run_variant(const work_item &w, const run_options &opt);

/// The catalogue entry `name`; an unknown name is a usage error with a did-you-mean.
const entry &entry_named(const std::string &name);
/// The variants of `e` to run: all, or `only` (a usage error if `e` has no such variant).
std::vector<std::string> variants_of(const entry &e, const std::optional<std::string> &only);
/// Every variant of every entry, in order (or only the variant `only` of each).
std::vector<work_item> work_of(const std::vector<const entry *> &entries,
                               const std::optional<std::string> &only = std::nullopt);

/// `opt` with its seed set to `seed`: one of the seeds that rates, sweep and gallery --seeds
/// run.
run_options with_seed(run_options opt, std::uint64_t seed);
/// The first of the seeds rates, sweep and gallery --seeds run: --seed (or RC_PARAMS' seed),
/// else 1. They run first_seed(o) … first_seed(o) + o.seeds - 1.
std::uint64_t first_seed(const options &o);
/// "1..100": the seeds they run, as their output names them.
std::string seeds_text(const options &o);
/// rates, sweep and gallery --seeds: the last seed is a 64-bit number.
void check_seed_range(const options &o);

/// The seconds one variant may run on one seed: --timeout, else 600 for each 100 cases
/// (at least 600); 0: no limit.
double timeout_of(const options &o);
/// How run_items watches a command's items, each `runs` runs of a variant on a seed: a
/// deadline of `runs` times timeout_of(o), and --progress lines on `err` (by default every
/// 10 s when err is a terminal and there is a deadline).
item_watch watch_of(const options &o, std::ostream &err,
                    std::function<std::string(std::size_t)> name, int runs = 1);
/// Whether --kind (if given) selects `e`.
bool kind_selected(const options &o, const entry &e);
/// --jobs, or one process per core.
int jobs_of(const options &o);

/// check, rates and sweep: every name (and --variant) resolved before anything runs.
void resolve_entries(const options &o);

} // namespace gradlaws::cli
