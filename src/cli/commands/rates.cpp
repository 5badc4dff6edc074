// gradlaws rates: how often each fallacy, over seeds 1..N, is falsified and shrinks to its
// expected shape.

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../terminal.hpp"
#include "../workers.hpp"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace gradlaws::cli {

namespace {

/// One variant over the seeds: its row, the line about its first miss ("" if none), and "1"
/// when it shrank as expected on every seed.
item_output rate_of(const work_item &w, const options &o) {
  int hits = 0;
  double total = 0, worst = 0;
  std::string first_miss;
  for (std::uint64_t s = first_seed(o); s - first_seed(o) < std::uint64_t(o.seeds); ++s) {
    const run_result r = run_variant(w, with_seed(o.run, s));
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
  row << std::left << std::setw(52) << w.label() << " "; // a space even after a long name
  if (o.timings) row << std::setw(12) << rate.str() << std::setw(12) << mean.str() << max.str();
  else row << rate.str();
  row << "\n";
  return {row.str(), first_miss.empty() ? "" : "  first miss of " + w.label() + ": " + first_miss + "\n",
          hits == o.seeds ? "1" : "0"};
}

} // namespace

int run_rates(const options &o, std::ostream &out, std::ostream &err) {
  for (const auto &name : o.names) {
    const entry &e = entry_named(name);
    if (e.kind != entry_kind::fallacy)
      throw usage_error("'" + name + "' is a " + std::string(to_string(e.kind)) +
                        "; rates measures how fallacies shrink",
                        "gradlaws sweep " + name + " runs a law over seeds");
  }
  out << wrap("fallacy shrink rates: ", "the share of seeds " + seeds_text(o) +
                   " on which the fallacy is falsified and shrinks to its expected shape", 0)
      << "\n";
  out << std::left << std::setw(52) << "entry [variant]" << " ";
  if (o.timings) out << std::setw(12) << "rate" << std::setw(12) << "mean time" << "max time\n";
  else out << "rate\n";
  std::vector<const entry *> fallacies;
  for (const entry *e : catalogue())
    if (e->kind == entry_kind::fallacy &&
        (o.names.empty() || std::find(o.names.begin(), o.names.end(), e->name) != o.names.end()))
      fallacies.push_back(e);
  const std::vector<work_item> work = work_of(fallacies);
  tally counts; // a variant passes when it shrinks as expected on every seed
  // One item per variant, on the worker processes; rows printed in catalogue order.
  run_items(
      work.size(), jobs_of(o), [&](std::size_t k) { return rate_of(work[k], o); },
      [&](std::size_t k, const item_output &x) {
        out << x[0];
        err << x[1];
        counts.add(entry_kind::fallacy, x[2] == "1", 0, work[k].of->name, work[k].variant);
      },
      watch_of(o, err, [&](std::size_t k) { return work[k].label(); }, o.seeds));
  out << counts.line(o.colour_out);
  return counts.failed.empty() ? 0 : 1;
}

} // namespace gradlaws::cli
