// gradlaws sweep: every law and boundary law (or the named ones), every variant, on seeds
// 1..N. A law that fails on any seed is a false alarm (or a real bug in gradlaws's own engine).

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../workers.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>

namespace gradlaws::cli {

namespace {

/// One variant over the seeds: a line per false alarm, its row, and how many seeds failed.
item_output alarms_of(const work_item &w, const options &o) {
  std::size_t failed = 0;
  std::string alarm_lines;
  for (std::uint64_t s = first_seed(o); s - first_seed(o) < std::uint64_t(o.seeds); ++s) {
    const run_result r = run_variant(w, with_seed(o.run, s));
    if (!r.passed) {
      ++failed;
      alarm_lines += "false alarm: " + w.label() + " at seed " + std::to_string(s) + ": " +
                     (r.found ? r.found->summary() : r.message) + "\n";
    }
  }
  std::ostringstream line;
  line << std::left << std::setw(52) << w.label() << " " << failed << " of " << o.seeds
       << " seeds failed\n";
  return {alarm_lines, line.str(), std::to_string(failed)};
}

} // namespace

int run_sweep(const options &o, std::ostream &out, std::ostream &err) {
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
  const std::vector<work_item> work = work_of(entries);
  std::size_t runs = 0, alarms = 0;
  // One item per variant, on the worker processes; lines printed in catalogue order.
  run_items(
      work.size(), jobs_of(o), [&](std::size_t k) { return alarms_of(work[k], o); },
      [&](std::size_t, const item_output &x) {
        err << x[0];
        out << x[1];
        runs += std::size_t(o.seeds);
        alarms += std::stoul(x[2]);
      },
      watch_of(o, err, [&](std::size_t k) { return work[k].label(); }, o.seeds));
  out << runs << " law runs (" << entries.size() << " entries × variants × " << o.seeds
      << (o.seeds == 1 ? " seed, " : " seeds, ") << seeds_text(o) << "): " << alarms
      << " false alarms\n";
  return alarms ? 1 : 0;
}

} // namespace gradlaws::cli
