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
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

namespace gradlaws::cli {

namespace {

/// A usage error: reported with the usage hint and exit status 2.
class usage_error : public error {
public:
  using error::error;
};

struct options {
  std::string command;
  std::vector<std::string> names;
  std::optional<std::string> variant, out, kind, format;
  run_options run;
  int seeds = 100;
  bool seeds_given = false;
  bool timings = true;
  bool variants = false;
  int jobs = 0; ///< processes for report, rates, sweep and gallery --seeds (0: one per core)
};

/// The confirmation runs at D + extra_digits, and MPFR's precision scope allows 100000 digits.
constexpr int max_cli_digits = 100000 - tolerances{}.extra_digits;

template <class Int> Int parse_int(const std::string &flag, const std::string &text, Int lo, Int hi) {
  Int v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    std::ostringstream os;
    os << flag << " needs a whole number in [" << lo << ", " << hi << "], got '" << text << "'";
    throw usage_error(os.str());
  }
  return v;
}

options parse(const std::vector<std::string> &args) {
  options o;
  o.run = options_from_environment(); // RC_PARAMS and GRADLAWS_DIGITS; flags override them
  std::size_t i = 0;
  if (i < args.size() && args[i].rfind("-", 0) != 0) o.command = args[i++];
  else if (i < args.size() && (args[i] == "--help" || args[i] == "-h")) o.command = "help";
  else o.command = "report"; // the main job
  static const std::vector<std::string> commands{"list", "check", "report", "rates", "sweep",
                                                 "gallery", "help"};
  if (std::find(commands.begin(), commands.end(), o.command) == commands.end())
    throw usage_error("unknown command '" + o.command + "'");
  std::vector<std::string> seen;
  for (; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a.rfind("--", 0) == 0) {
      if (std::find(seen.begin(), seen.end(), a) != seen.end())
        throw usage_error(a + " is given twice");
      seen.push_back(a);
    }
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw usage_error(a + " needs a value");
      const std::string &v = args[i + 1];
      // A value that looks like a flag is a missing value, not a file named "--no-timings".
      if (v.rfind("--", 0) == 0) throw usage_error(a + " needs a value, got the flag '" + v + "'");
      return args[++i];
    };
    if (a == "--help" || a == "-h") o.command = "help";
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
    else if (a == "--kind") o.kind = value();
    else if (a == "--format") o.format = value();
    else if (a == "--no-timings") o.timings = false;
    else if (a == "--variants") o.variants = true;
    else if (a.rfind("-", 0) == 0) throw usage_error("unknown flag '" + a + "'");
    else o.names.push_back(a);
  }
  if (o.kind && *o.kind != "law" && *o.kind != "fallacy")
    throw usage_error("--kind is 'law' or 'fallacy', got '" + *o.kind + "'");
  if (o.format && *o.format != "text" && *o.format != "markdown" && *o.format != "json")
    throw usage_error("--format is 'text', 'markdown' or 'json', got '" + *o.format + "'");
  if (o.command == "check" && o.names.empty())
    throw usage_error("check needs the name of a catalogue entry (see 'gradlaws list')");
  if (o.command == "list" && o.names.size() == 1) {
    static const std::vector<std::string> kinds{"activations", "losses", "layers", "strategies"};
    if (std::find(kinds.begin(), kinds.end(), o.names.front()) == kinds.end())
      throw unknown_name_error("registry", o.names.front(), kinds);
  } else if (o.command != "check" && o.command != "rates" && o.command != "sweep" &&
             o.command != "gallery" && !o.names.empty())
    throw usage_error("'" + o.command + "' takes no names, got '" + o.names.front() + "'");
  // A flag that does not apply to the command is an error, not silently ignored.
  const auto only_for = [&](bool given, const std::string &flag,
                            std::initializer_list<const char *> commands) {
    if (!given) return;
    for (const char *c : commands)
      if (o.command == c) return;
    std::string list;
    for (const char *c : commands) list += (list.empty() ? "'" : " or '") + std::string(c) + "'";
    throw usage_error(flag + " goes with " + list + ", not with '" + o.command + "'");
  };
  only_for(o.variant.has_value(), "--variant", {"check"});
  only_for(o.variants, "--variants", {"list"});
  only_for(o.format.has_value(), "--format", {"check"});
  only_for(o.out.has_value(), "--out", {"report"});
  only_for(o.kind.has_value(), "--kind", {"list", "report"});
  only_for(o.jobs > 0, "--jobs", {"report", "rates", "sweep", "gallery"});
  if (o.jobs > 0 && o.command == "gallery" && !o.seeds_given)
    throw usage_error("--jobs goes with 'gallery' only with --seeds (the kill matrix runs in one "
                      "process)");
  only_for(std::find(seen.begin(), seen.end(), "--seeds") != seen.end(), "--seeds",
           {"rates", "sweep", "gallery"});
  const bool runs = o.command == "check" || o.command == "report" || o.command == "rates" ||
                    o.command == "sweep" || o.command == "gallery";
  for (const char *flag : {"--seed", "--cases", "--digits", "--no-timings"})
    if (!runs && std::find(seen.begin(), seen.end(), flag) != seen.end())
      throw usage_error(std::string(flag) + " goes with 'check', 'report', 'rates', 'sweep' or 'gallery', not with '" +
                        o.command + "'");
  return o;
}

int jobs_of(const options &o) { return o.jobs > 0 ? o.jobs : default_jobs(); }

/// Seconds as text that reads back to the same double.
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", s);
  return buf;
}

bool kind_selected(const options &o, const entry &e) {
  if (!o.kind) return true;
  return (*o.kind == "fallacy") == (e.kind == entry_kind::fallacy);
}

std::vector<std::string> variants_of(const entry &e, const std::optional<std::string> &only) {
  auto all = e.variants();
  if (!only) return all;
  if (std::find(all.begin(), all.end(), *only) == all.end())
    throw unknown_name_error("variant of " + e.name, *only, all);
  return {*only};
}

int list_registry(const std::string &kind, std::ostream &out) {
  for (const registry_listing &r : registry_listings()) {
    if (r.kind != kind) continue;
    for (const auto &[name, description] : r.entries)
      out << std::left << std::setw(30) << name << description << "\n";
    out << r.entries.size() << " " << kind << " registered\n";
  }
  return 0;
}

int list(const options &o, std::ostream &out) {
  if (!o.names.empty()) return list_registry(o.names.front(), out);
  std::size_t tests = 0;
  for (const auto *e : catalogue()) {
    if (!kind_selected(o, *e)) continue;
    const auto v = e->variants();
    tests += v.size();
    out << std::left << std::setw(14) << to_string(e->kind) << std::setw(34) << e->name << e->formula
        << "   (" << v.size() << (v.size() == 1 ? " variant" : " variants") << ")\n";
    if (o.variants) {
      std::string line = "    ";
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string item = v[i] + (i + 1 < v.size() ? ", " : "");
        if (line.size() + item.size() > 96) {
          out << line << "\n";
          line = "    ";
        }
        line += item;
      }
      out << line << "\n";
    }
  }
  out << tests << " tests in all; 'gradlaws check NAME' runs one entry\n";
  return 0;
}

int check(const options &o, std::ostream &out) {
  // Every name and variant is resolved before anything runs.
  std::vector<std::pair<const entry *, std::string>> work;
  for (const auto &name : o.names) {
    const entry &e = find_entry(name);
    for (const auto &v : variants_of(e, o.variant)) work.emplace_back(&e, v);
  }
  const auto t = o.timings ? timings::shown : timings::omitted;
  const bool json = o.format && *o.format == "json";
  int failed = 0;
  if (json) out << "[\n";
  for (std::size_t k = 0; k < work.size(); ++k) {
    const run_result r = work[k].first->run(work[k].second, o.run);
    if (json) {
      std::string object = render_json(r, t);
      if (!object.empty() && object.back() == '\n') object.pop_back();
      out << object << (k + 1 < work.size() ? ",\n" : "\n");
    }
    else if (o.format && *o.format == "markdown") out << render_markdown(r, t);
    else out << render_text(r, t) << "\n";
    failed += !r.passed;
  }
  if (json) out << "]\n";
  return failed ? 1 : 0;
}

/// Opens the report file before any work, so that a path that cannot be written fails at
/// once, naming the path and the reason.
std::ofstream open_report(const std::string &path) {
  std::ofstream file(path);
  if (!file)
    throw error("cannot write the report to '" + path + "': " + std::strerror(errno));
  return file;
}

int report(const options &o, std::ostream &out, std::ostream &err) {
  const std::string path = o.out.value_or("gradlaws-report.md");
  std::ofstream file = open_report(path);
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
        const report_piece p = report_piece_of(r, t);
        return {summary_line(r, t), std::string(to_string(p.kind)), p.passed ? "1" : "0",
                seconds_text(p.seconds), p.summary_row, p.section};
      },
      [&](std::size_t k, const item_output &x) {
        report_piece p;
        p.kind = x[1] == std::string(to_string(entry_kind::fallacy)) ? entry_kind::fallacy
                                                                     : entry_kind::law;
        p.passed = x[2] == "1";
        p.seconds = std::strtod(x[3].c_str(), nullptr);
        p.summary_row = x[4];
        p.section = x[5];
        failed += !p.passed;
        pieces.push_back(std::move(p));
        err << "[" << std::setw(3) << k + 1 << "/" << work.size() << "] " << x[0] << "\n";
      });
  file << assemble_markdown_report(pieces, o.run, t);
  file.flush();
  if (!file) throw error("cannot write the report to '" + path + "': " + std::strerror(errno));
  out << pieces.size() - std::size_t(failed) << " of " << pieces.size()
      << " entries passed; report written to " << path << "\n";
  return failed ? 1 : 0;
}

int rates(const options &o, std::ostream &out, std::ostream &err) {
  for (const auto &name : o.names) {
    const entry &e = find_entry(name); // unknown names: unknown_name_error, exit 2
    if (e.kind != entry_kind::fallacy)
      throw usage_error("'" + name + "' is a " + std::string(to_string(e.kind)) +
                        "; rates measures how fallacies shrink");
  }
  out << "fallacy shrink rates: the share of seeds 1.." << o.seeds
      << " on which the fallacy is falsified and shrinks to its expected shape\n\n";
  out << std::left << std::setw(52) << "entry [variant]" << " ";
  if (o.timings) out << std::setw(12) << "rate" << std::setw(12) << "mean time" << "max time\n";
  else out << "rate\n";
  std::vector<std::pair<const entry *, std::string>> work;
  for (const auto *e : catalogue()) {
    if (e->kind != entry_kind::fallacy) continue;
    if (!o.names.empty() && std::find(o.names.begin(), o.names.end(), e->name) == o.names.end()) continue;
    for (const auto &v : e->variants()) work.emplace_back(e, v);
  }
  int imperfect = 0;
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
      [&](std::size_t, const item_output &x) {
        out << x[0];
        err << x[1];
        imperfect += x[2] != "1";
      });
  return imperfect ? 1 : 0;
}

/// Every law and boundary law (or the named ones), every variant, seeds 1..N: a law that fails
/// on any seed is a false alarm (or a real bug in gradlaws's own engine).
int gallery(const options &o, std::ostream &out, std::ostream &err) {
  std::vector<std::string> names = o.names;
  if (names.empty())
    for (const gallery_info &g : gallery_cases()) names.push_back(g.name);
  else
    for (const std::string &n : names) { // every name checked before anything runs
      std::vector<std::string> known;
      for (const gallery_info &g : gallery_cases()) known.push_back(g.name);
      if (std::find(known.begin(), known.end(), n) == known.end())
        throw unknown_name_error("gallery case", n, known);
    }
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
  out << render_gallery(outcomes, o.timings ? timings::shown : timings::omitted);
  const bool all = std::all_of(outcomes.begin(), outcomes.end(), [](const gallery_outcome &g) {
    return g.caught() && g.twin_passed();
  });
  return all ? 0 : 1;
}

int sweep(const options &o, std::ostream &out, std::ostream &err) {
  std::vector<const entry *> entries;
  for (const auto &name : o.names) {
    const entry &e = find_entry(name);
    if (e.kind == entry_kind::fallacy)
      throw usage_error("'" + name + "' is a fallacy; sweep runs laws (use rates for fallacies)");
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

} // namespace

std::string usage() {
  return "usage: gradlaws [COMMAND] [FLAGS]\n"
         "\n"
         "commands:\n"
         "  report [--out FILE]         run every law and fallacy; write one Markdown report\n"
         "                              (default FILE: gradlaws-report.md). The default command.\n"
         "  list [--variants]           the catalogue: one line per law and fallacy (and its\n"
         "                              variants)\n"
         "  list REGISTRY               a registry: activations, losses, layers or strategies\n"
         "  check NAME... [--variant V] run entries and print their full reports\n"
         "  rates [NAME...] [--seeds N] how often each fallacy shrinks to its expected shape\n"
         "                              over seeds 1..N (default 100)\n"
         "  sweep [NAME...] [--seeds N] every law on seeds 1..N (default 100): false alarms\n"
         "  gallery [NAME...]           the bug gallery: each real-world bug and its correct twin\n"
         "                              checked by every law; the kill matrix and diagnoses.\n"
         "                              With --seeds N: each twin on the machine rung over seeds\n"
         "                              1..N (its false alarms)\n"
         "  help                        this text\n"
         "\n"
         "flags:\n"
         "  --seed N        RapidCheck seed (default: one per entry, fixed)\n"
         "  --cases N       cases per law / budget per fallacy (default 100)\n"
         "  --digits D      working precision of the high rung (default 50)\n"
         "  --kind K        law or fallacy: restrict list and report\n"
         "  --format F      check output: text, markdown or json\n"
         "  --no-timings    leave wall-clock times out, so a seed gives a byte-identical report\n"
         "  --jobs N        processes for report, rates, sweep and gallery --seeds (default: one\n"
         "                  per core); the output is the same for every N\n";
}

int check_arguments(const std::vector<std::string> &args, std::ostream &err) {
  try {
    const options o = parse(args);
    // Names are resolved as the commands resolve them, before any work.
    if (o.command == "check" || o.command == "rates" || o.command == "sweep")
      for (const auto &name : o.names) {
        const entry &e = find_entry(name);
        if (o.variant) (void)variants_of(e, o.variant);
      }
    return 0;
  } catch (const error &e) {
    err << "gradlaws: " << e.what() << "\n";
    return 2;
  }
}

int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
  try {
    const options o = parse(args);
    if (o.command == "help") {
      out << usage();
      return 0;
    }
    int status = 0;
    if (o.command == "list") status = list(o, out);
    else if (o.command == "check") status = check(o, out);
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
  } catch (const usage_error &e) {
    err << "gradlaws: " << e.what() << "\n\n" << usage();
    return 2;
  } catch (const error &e) {
    err << "gradlaws: " << e.what() << "\n";
    return 2;
  }
}

} // namespace gradlaws::cli
