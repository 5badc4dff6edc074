// gradlaws report: every law and fallacy on the worker processes, written as one Markdown
// report with its pictures (and, with --html, one self-contained HTML page).

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../terminal.hpp"
#include "../workers.hpp"

#include <gradlaws/report.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace gradlaws::cli {

namespace {

/// Opens the report file before any work, so that a path that cannot be written fails at
/// once, naming the path and the reason.
std::ofstream open_report(const std::string &path) {
  std::ofstream file(path);
  if (!file)
    throw usage_error("cannot write the report to '" + path + "': " + std::strerror(errno),
                      "choose a path that can be written with --out FILE");
  return file;
}

void write_report(std::ofstream &file, const std::string &text, const std::string &path) {
  file << text;
  file.flush();
  if (!file) throw error("cannot write the report to '" + path + "': " + std::strerror(errno));
}

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
      });
  return inputs;
}

} // namespace

int run_report(const options &o, std::ostream &out, std::ostream &err) {
  namespace fs = std::filesystem;
  const std::string path = o.out.value_or("gradlaws-report.md");
  std::ofstream file = open_report(path);
  // The pictures go next to the report, in <stem>-pictures/; the HTML page beside it.
  const fs::path md(path);
  const std::string pictures = md.stem().string() + "-pictures";
  const std::string html_path = (md.parent_path() / (md.stem().string() + ".html")).string();
  std::ofstream html;
  if (o.html) html = open_report(html_path);
  const auto t = o.timings ? timings::shown : timings::omitted;
  const std::vector<report_input> inputs = run_results(o, t, err);
  write_report(file, assemble_markdown_report(inputs, o.run, t, pictures), path);
  const std::size_t drawn = write_pictures(inputs, (md.parent_path() / pictures).string());
  if (o.html) write_report(html, assemble_html_report(inputs, o.run, t), html_path);
  tally counts;
  for (const report_input &in : inputs) {
    const run_result &r = in.result;
    counts.add(r.kind, r.passed, r.cases, r.entry, r.variant);
  }
  out << counts.line(o.colour_out) << "report written to " << path;
  if (drawn) out << " (" << drawn << " pictures in " << (md.parent_path() / pictures).string() << ")";
  out << "\n";
  if (o.html) out << "HTML report written to " << html_path << "\n";
  return counts.failed.empty() ? 0 : 1;
}

} // namespace gradlaws::cli
