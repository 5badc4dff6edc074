// The tables of commands and flags. Everything the parser accepts, every refusal's words that
// name a flag or a command, and the text of --help come from these rows.

#include "table.hpp"
#include "commands/commands.hpp"
#include "entries.hpp"
#include "options.hpp"

#include <algorithm>
#include <cstdint>

namespace gradlaws::cli {

namespace {

std::string why_digits() { return run_bounds::why_bounded(run_bounds::bound::digits); }
std::string why_cases() { return run_bounds::why_bounded(run_bounds::bound::cases); }

} // namespace

const std::vector<command_spec> &command_table() {
  static const std::vector<command_spec> table{
      {.name = "list",
       .usage = {{{"[--variants]"}, "the catalogue: one line per law and fallacy (and its\n"
                                    "variants)"},
                 {{"REGISTRY"}, "a registry: activations, losses, layers, strategies,\n"
                                "aggregations or gallery (the bug gallery's cases)"}},
       .takes = operands::registry,
       .run = run_list,
       .check_operands = check_registry_operand},
      {.name = "check",
       .usage = {{{"NAME... [--variant V]"},
                  "run entries and print their full reports, then a summary"}},
       .takes = operands::names,
       .run = run_check,
       .check_operands = check_entry_operands,
       .resolve = resolve_entries},
      {.name = "report",
       .usage = {{{"[--out FILE]", "[--html]"},
                  "run every law and fallacy; write a Markdown report\n"
                  "(default FILE: gradlaws-report.md) and its pictures\n"
                  "(FILE's stem + -pictures/); with --html also one\n"
                  "self-contained HTML page (FILE's stem + .html). The\n"
                  "default command. Written whole or not at all: each file\n"
                  "is renamed into place once complete; a FILE that is not\n"
                  "a regular file (/dev/null, a pipe) gets the Markdown alone."}},
       .run = run_report},
      {.name = "rates",
       .usage = {{{"[NAME...] [--seeds N]"},
                  "how often each fallacy shrinks to its expected shape\n"
                  "over N seeds (default 100) from --seed (default 1)"}},
       .takes = operands::names,
       .run = run_rates,
       .check_flags = check_seed_range,
       .resolve = resolve_entries},
      {.name = "sweep",
       .usage = {{{"[NAME...] [--seeds N]"},
                  "every law on N seeds from --seed, as rates: false alarms"}},
       .takes = operands::names,
       .run = run_sweep,
       .check_flags = check_seed_range,
       .resolve = resolve_entries},
      {.name = "gallery",
       .usage = {{{"[NAME...]"}, "the bug gallery: each real-world bug and its correct twin\n"
                                 "checked by every law; the kill matrix and diagnoses.\n"
                                 "With --seeds N: each twin on the machine rung over N\n"
                                 "seeds from --seed, as rates (its false alarms)"}},
       .takes = operands::names,
       .run = run_gallery,
       .check_flags = check_gallery_flags,
       .resolve = resolve_gallery_cases},
      {.name = "version",
       .usage = {{{}, "the version (also --version)"}},
       .run = run_version,
       .answers_anything = true},
      {.name = "help",
       .usage = {{{}, "this text (also --help)"}},
       .run = run_help,
       .answers_anything = true},
  };
  return table;
}

std::string_view default_command() { return "report"; }

const std::vector<flag_spec> &flag_table() {
  const std::vector<std::string_view> runs{"check", "report", "rates", "sweep", "gallery"};
  static const std::vector<flag_spec> table{
      {.name = "--help", .help = "this text", .alias = "-h", .instead = "help"},
      {.name = "--version", .help = "the version", .instead = "version"},
      {.name = "--seed", .value = "N", .kind = value_kind::number, .lo = 0, .hi = UINT64_MAX,
       .commands = runs,
       .help = "RapidCheck seed (default: one per entry, fixed); rates, sweep and\n"
               "gallery --seeds run seeds N..N+S-1 for --seeds S (default 1..100)",
       .set = [](options &o, const flag_value &v) { o.run.seed = v.number; }},
      {.name = "--cases", .value = "N", .kind = value_kind::number, .lo = 1,
       .hi = run_bounds::max_cases, .commands = runs,
       .help = "cases per law / budget per fallacy (default 100)", .why = why_cases,
       .set = [](options &o, const flag_value &v) { o.run.cases = int(v.number); }},
      {.name = "--digits", .value = "D", .kind = value_kind::number,
       .lo = run_bounds::min_digits, .hi = run_bounds::max_digits, .commands = runs,
       .help = "working precision of the high rung (default 50; also GRADLAWS_DIGITS)",
       .why = why_digits,
       .set = [](options &o, const flag_value &v) { o.run.digits = int(v.number); }},
      {.name = "--seeds", .value = "N", .kind = value_kind::number, .lo = 1, .hi = 100000,
       .commands = {"rates", "sweep", "gallery"}, .or_between_each = true,
       .help = "rates, sweep, gallery: run on N seeds from --seed (default 100)",
       .set = [](options &o, const flag_value &v) { o.seeds = int(v.number); }},
      {.name = "--jobs", .value = "N", .kind = value_kind::number, .lo = 1, .hi = 256,
       .commands = {"report", "rates", "sweep", "gallery"}, .or_between_each = true,
       .help = "processes for report, rates, sweep and gallery --seeds (default: one\n"
               "per core); the output is the same for every N",
       .set = [](options &o, const flag_value &v) { o.jobs = int(v.number); }},
      {.name = "--timeout", .value = "S", .kind = value_kind::number, .lo = 0, .hi = 604800,
       .commands = runs,
       .help = "seconds one variant may run on one seed before its worker process is\n"
               "killed and the run fails naming it (default 600 per 100 cases; 0: no\n"
               "limit, and --jobs 1 then runs in this process unless --progress is given)",
       .set = [](options &o, const flag_value &v) { o.timeout = int(v.number); }},
      {.name = "--progress", .value = "S", .kind = value_kind::number, .lo = 0, .hi = 86400,
       .commands = runs,
       .help = "a line on stderr every S seconds: how many variants are done, which\n"
               "run and for how long (default 10 on a terminal, else 0: none)",
       .set = [](options &o, const flag_value &v) { o.progress = int(v.number); }},
      {.name = "--variant", .value = "V", .kind = value_kind::text, .commands = {"check"},
       .help = "check: only this variant of each entry",
       .set = [](options &o, const flag_value &v) { o.variant = v.text; }},
      {.name = "--out", .value = "FILE", .kind = value_kind::text, .commands = {"report"},
       .help = "report: the Markdown report's file (default gradlaws-report.md)",
       .set = [](options &o, const flag_value &v) { o.out = v.text; }},
      {.name = "--kind", .value = "K", .kind = value_kind::choice, .choices = {"law", "fallacy"},
       .commands = {"list", "report"}, .help = "law or fallacy: restrict list and report",
       .set = [](options &o, const flag_value &v) { o.kind = v.text; }},
      {.name = "--format", .value = "F", .kind = value_kind::choice,
       .choices = {"text", "markdown", "json"}, .commands = {"check"},
       .help = "check output: text, markdown or json",
       .set = [](options &o, const flag_value &v) { o.format = v.text; }},
      {.name = "--no-timings", .commands = runs,
       .help = "leave wall-clock times out, so a seed gives a byte-identical report",
       .set = [](options &o, const flag_value &) { o.timings = false; }},
      {.name = "--variants", .commands = {"list"}, .help = "list: every entry's variants too",
       .set = [](options &o, const flag_value &) { o.variants = true; }},
      {.name = "--color", .value = "WHEN", .kind = value_kind::choice,
       .choices = {"auto", "always", "never"},
       .help = "colour the status words: auto (the default: on a terminal, unless\n"
               "NO_COLOR is set), always or never; also --color=WHEN",
       .attached = true,
       .set = [](options &o, const flag_value &v) { o.colour = v.text; }},
      {.name = "--hidden", .commands = {"gallery"},
       .help = "gallery: the batch-gradient cases with their model hidden behind an\n"
               "opaque module, judged by the two-precision rule (pipelines are skipped)",
       .set = [](options &o, const flag_value &) { o.hidden = true; }},
      {.name = "--torch", .commands = {"gallery"},
       .help = "gallery: the libtorch cases only (training steps written with libtorch;\n"
               "run by gradlaws-torch, which a build with libtorch adds)",
       .set = [](options &o, const flag_value &) { o.torch = true; }},
      {.name = "--html", .commands = {"report"},
       .help = "report: also write the report as one self-contained HTML page",
       .set = [](options &o, const flag_value &) { o.html = true; }},
  };
  return table;
}

const std::vector<std::string_view> &flags_in_help() {
  static const std::vector<std::string_view> shown{
      "--seed", "--cases", "--digits", "--kind", "--format", "--no-timings", "--jobs",
      "--timeout", "--progress", "--html", "--hidden", "--torch", "--color"};
  return shown;
}

const std::vector<std::string_view> &flag_check_order() {
  static const std::vector<std::string_view> order{
      "--variant", "--variants", "--format", "--out",     "--html",     "--hidden", "--torch", "--kind",
      "--jobs",    "--timeout",  "--progress", "--seeds", "--seed",   "--cases",
      "--digits",  "--no-timings"};
  return order;
}

const command_spec *find_command(std::string_view name) {
  for (const command_spec &c : command_table())
    if (c.name == name) return &c;
  return nullptr;
}

const flag_spec *find_flag(std::string_view name) {
  for (const flag_spec &f : flag_table())
    if (f.name == name || (!f.alias.empty() && f.alias == name)) return &f;
  return nullptr;
}

bool goes_with(const flag_spec &flag, std::string_view command) {
  return flag.commands.empty() ||
         std::find(flag.commands.begin(), flag.commands.end(), command) != flag.commands.end();
}

} // namespace gradlaws::cli
