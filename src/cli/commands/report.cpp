// gradlaws report: every law and fallacy on the worker processes, written as one Markdown
// report with its pictures (and, with --html, one self-contained HTML page).

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../output.hpp"
#include "../terminal.hpp"
#include "../workers.hpp"

#include <gradlaws/report.hpp>

#include <filesystem>
#include <iomanip>
#include <optional>
#include <sstream>

namespace gradlaws::cli {

namespace {

/// Each variant runs in a worker process and comes back as its progress line and its result
/// as JSON. They are printed and assembled in catalogue order, whatever ran first.
std::vector<report_input> run_results(const options &o, timings t, std::ostream &err) {
  std::vector<const entry *> entries;
  for (const entry *e : catalogue())
    if (kind_selected(o, *e)) entries.push_back(e);
  const std::vector<work_item> work = work_of(entries);
  std::vector<report_input> inputs;
  run_items(
      work.size(), jobs_of(o),
      [&](std::size_t k) -> item_output {
        const run_result r = run_variant(work[k], o.run);
        return {summary_line(r, t), result_json(r)};
      },
      [&](std::size_t k, const item_output &x) {
        inputs.push_back(report_input_of(read_result_json(x[1])));
        std::ostringstream counter;
        counter << "[" << std::setw(3) << k + 1 << "/" << work.size() << "] ";
        const std::string line = fit_lines(counter.str() + x[0]);
        err << counter.str() << paint_first_word(line.substr(counter.str().size()), o.colour_err) << "\n";
      },
      watch_of(o, err, [&](std::size_t k) { return work[k].label(); }));
  return inputs;
}

} // namespace

int run_report(const options &o, std::ostream &out, std::ostream &err) {
  namespace fs = std::filesystem;
  // Written beside their paths and renamed into place at the end: a run that fails or is
  // interrupted leaves the previous report whole. Opened first, so that a path that cannot be
  // written fails before any work.
  staged_file md(o.out.value_or("gradlaws-report.md"));
  const fs::path path(md.path());
  // The pictures go next to the report, in <stem>-pictures/; the HTML page beside it.
  const std::string pictures = path.stem().string() + "-pictures";
  const std::string html_path = (path.parent_path() / (path.stem().string() + ".html")).string();
  if (o.html && !md.regular())
    throw usage_error("--html writes its page beside the report, as '" + html_path +
                          "', and '" + md.path() + "' is not a regular file",
                      "give --out the path of a regular file, or leave --html out");
  if (o.html && fs::path(html_path) == path)
    throw usage_error("--out '" + md.path() + "' is where --html would write its page",
                      "give --out a file name ending in .md");
  std::optional<staged_file> html;
  if (o.html) html.emplace(html_path);
  const auto t = o.timings ? timings::shown : timings::omitted;
  const std::vector<report_input> inputs = run_results(o, t, err);
  md.write(assemble_markdown_report(inputs, o.run, t, pictures));
  if (html) html->write(assemble_html_report(inputs, o.run, t));
  std::size_t drawn = 0;
  {
    const signals_held held; // the pictures and both renames, or none of them
    if (md.regular()) drawn = write_pictures(inputs, (path.parent_path() / pictures).string());
    md.commit();
    if (html) html->commit();
  }
  tally counts;
  for (const report_input &in : inputs) {
    const run_result &r = in.result;
    counts.add(r.kind, r.passed, r.cases, r.entry, r.variant);
  }
  out << counts.line(o.colour_out) << "report written to " << md.path();
  if (!md.regular()) out << " (not a regular file: no pictures)";
  if (drawn) out << " (" << drawn << " pictures in " << (path.parent_path() / pictures).string() << ")";
  out << "\n";
  if (html) out << "HTML report written to " << html_path << "\n";
  return counts.failed.empty() ? 0 : 1;
}

} // namespace gradlaws::cli
