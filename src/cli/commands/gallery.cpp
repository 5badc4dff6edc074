// gradlaws gallery: the bug gallery's kill matrix, witnesses and diagnoses; with --seeds, its
// correct twins on the machine rung over seeds 1..N (their false alarms).

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../terminal.hpp"
#include "../workers.hpp"

#include <gradlaws/gallery_report.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <ostream>

namespace gradlaws::cli {

namespace {

std::vector<std::string> gallery_names() {
  std::vector<std::string> known;
  for (const gallery_info &g : gallery_cases()) known.push_back(g.name);
  return known;
}

/// The cases a run without names runs: every registered one, or with --torch the libtorch ones.
std::vector<std::string> default_cases(const options &o) {
  std::vector<std::string> names;
  for (const gallery_info &g : gallery_cases())
    if (!o.torch || g.framework == "libtorch") names.push_back(g.name);
  return names;
}

constexpr int seeds_per_item = 25;

/// The twin's own functions' worst errors, one per line, tab-separated, to cross from a
/// worker to the parent ("gelu\tfloat\t2.5e5\t-5.25\t1200").
std::string accuracy_lines(const std::vector<function_accuracy> &worst) {
  std::string out;
  char b[64];
  for (const function_accuracy &a : worst) {
    std::snprintf(b, sizeof b, "\t%.17g\t%.17g\t%ld\n", a.ulps, a.at, a.evaluations);
    out += a.function + "\t" + a.format + b;
  }
  return out;
}

/// The inverse of accuracy_lines, kept as the worst per function in `worst`.
void read_accuracy_lines(const std::string &text, std::vector<function_accuracy> &worst) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    function_accuracy a;
    std::string ulps, at, n;
    if (std::getline(f, a.function, '\t') && std::getline(f, a.format, '\t') &&
        std::getline(f, ulps, '\t') && std::getline(f, at, '\t') && std::getline(f, n)) {
      a.ulps = std::strtod(ulps.c_str(), nullptr);
      a.at = std::strtod(at.c_str(), nullptr);
      a.evaluations = std::atol(n.c_str());
      keep_worst(worst, a);
    }
  }
}

/// The seeds of block `block` of one twin (25 of them, or fewer in the last): a line per false
/// alarm, the runs, and how many failed.
item_output twin_block(const std::string &name, int block, const options &o) {
  std::size_t runs = 0, failed = 0;
  std::string lines;
  std::vector<function_accuracy> worst;
  const int from = block * seeds_per_item, to = std::min(o.seeds, from + seeds_per_item);
  for (int k = from; k < to; ++k) {
    const std::uint64_t s = first_seed(o) + std::uint64_t(k);
    const std::vector<run_result> results =
        o.hidden ? run_gallery_twin_hidden(name, with_seed(o.run, s), hidden_default_model())
                 : run_gallery_twin_on_machine(name, with_seed(o.run, s));
    for (const run_result &r : results) {
      ++runs;
      for (const function_accuracy &a : r.accuracy) keep_worst(worst, a);
      if (r.passed) continue;
      ++failed;
      lines += "false alarm: twin of " + name + ": " + r.entry + " [" + r.variant + "] at seed " +
               std::to_string(s) + ": " + (r.found ? r.found->summary() : r.message) + "\n";
    }
  }
  return {lines, std::to_string(runs), std::to_string(failed), accuracy_lines(worst)};
}

/// The twins on the machine rung over the seeds: false alarms of the rounding bound. Items
/// are blocks of seeds of one twin, run on the worker processes, delivered in order.
int twins_over_seeds(const std::vector<std::string> &names, const options &o, std::ostream &out,
                     std::ostream &err) {
  const std::size_t blocks = std::size_t((o.seeds + seeds_per_item - 1) / seeds_per_item);
  std::size_t runs = 0, alarms = 0, here = 0, failed = 0;
  std::vector<function_accuracy> worst;
  run_items(
      names.size() * blocks, jobs_of(o),
      [&](std::size_t k) { return twin_block(names[k / blocks], int(k % blocks), o); },
      [&](std::size_t k, const item_output &x) {
        err << x[0];
        here += std::stoul(x[1]);
        failed += std::stoul(x[2]);
        if (x.size() > 3) read_accuracy_lines(x[3], worst);
        if (k % blocks + 1 < blocks) return; // more blocks to come
        out << std::left << std::setw(40) << names[k / blocks] << " " << here
            << " machine-rung runs of the twin, " << failed << " failed\n";
        // The accuracy verdict over every seed: each of the twin's own functions' worst error.
        for (const function_accuracy &a : worst) out << "    its " << to_text(a) << "\n";
        worst.clear();
        runs += here;
        alarms += failed;
        here = failed = 0;
      },
      watch_of(
          o, err,
          [&](std::size_t k) {
            const int from = int(k % blocks) * seeds_per_item;
            const int to = std::min(o.seeds, from + seeds_per_item);
            return "the twin of " + names[k / blocks] + " on seeds " +
                   std::to_string(first_seed(o) + std::uint64_t(from)) + ".." +
                   std::to_string(first_seed(o) + std::uint64_t(to - 1));
          },
          seeds_per_item));
  out << runs << " twin runs over seeds " << seeds_text(o) << ": " << alarms << " false alarms\n";
  return alarms ? 1 : 0;
}

} // namespace

void check_gallery_flags(const options &o) {
  for (const char *flag : {"--jobs", "--timeout", "--progress"})
    if (o.has(flag) && !o.has("--seeds"))
      throw usage_error(std::string(flag) + " goes with 'gallery' only with --seeds (the kill "
                        "matrix runs in one process)", std::string("add --seeds N, or leave ") +
                        flag + " out");
  if (o.has("--seeds")) check_seed_range(o);
}

bool has_torch_cases() {
  for (const gallery_info &g : gallery_cases())
    if (g.framework == "libtorch") return true;
  return false;
}

void resolve_gallery_cases(const options &o) {
  const std::vector<std::string> known = gallery_names();
  for (const std::string &n : o.names)
    if (std::find(known.begin(), known.end(), n) == known.end())
      throw usage_error("unknown gallery case '" + n + "'",
                        suggestion(n, known, "gradlaws list gallery shows the gallery's cases"));
}

int run_gallery(const options &o, std::ostream &out, std::ostream &err) {
  if (o.torch && !has_torch_cases())
    throw usage_error("--torch: this gradlaws has no libtorch cases (it was built without "
                      "libtorch)", "gradlaws-torch gallery --torch runs them; a build with "
                      "libtorch adds it (scripts/install-deps --torch, then rebuild)");
  // (named cases were resolved before anything ran)
  std::vector<std::string> names = o.names.empty() ? default_cases(o) : o.names;
  if (o.hidden) // only batch gradients can be hidden behind an opaque module
    std::erase_if(names, [](const std::string &n) {
      for (const gallery_info &g : gallery_cases())
        if (g.name == n) return g.subject != "batch gradient";
      return true;
    });
  if (names.empty()) throw usage_error("--hidden: none of the cases named is a batch gradient",
                                       "gradlaws list gallery shows the gallery's cases");
  if (o.has("--seeds")) return twins_over_seeds(names, o, out, err);
  std::vector<gallery_outcome> outcomes;
  for (const std::string &n : names) {
    err << "gallery: " << n << "\n";
    outcomes.push_back(o.hidden ? run_gallery_case_hidden(n, o.run, hidden_default_model())
                                : run_gallery_case(n, o.run));
  }
  out << fit_lines(render_gallery(outcomes, o.timings ? timings::shown : timings::omitted));
  const bool all = std::all_of(outcomes.begin(), outcomes.end(), [](const gallery_outcome &g) {
    return g.caught() && g.twin_passed();
  });
  return all ? 0 : 1;
}

} // namespace gradlaws::cli
