// gradlaws check NAME...: run entries, print their full reports, then a summary line.

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../terminal.hpp"
#include "../workers.hpp"

#include <gradlaws/report.hpp>

#include <ostream>

namespace gradlaws::cli {

void check_entry_operands(const options &o) {
  if (o.names.empty()) throw usage_error("check needs the name of a catalogue entry", entries_hint);
}

int run_check(const options &o, std::ostream &out, std::ostream &err) {
  std::vector<const entry *> entries;
  for (const auto &name : o.names) entries.push_back(&entry_named(name));
  const std::vector<work_item> work = work_of(entries, o.variant);
  const auto t = o.timings ? timings::shown : timings::omitted;
  const bool json = o.format && *o.format == "json";
  const bool text = !o.format || *o.format == "text";
  tally counts;
  if (json) out << "[\n";
  // One variant after another in a worker process, watched (--timeout, --progress); each
  // comes back as JSON and is printed as soon as it is done.
  run_items(
      work.size(), 1,
      [&](std::size_t k) -> item_output { return {result_json(run_variant(work[k], o.run))}; },
      [&](std::size_t k, const item_output &x) {
        const run_result r = read_result_json(x[0]);
        if (json) {
          std::string object = render_json(r, t);
          if (!object.empty() && object.back() == '\n') object.pop_back();
          out << object << (k + 1 < work.size() ? ",\n" : "\n");
        }
        else if (!text) out << render_markdown(r, t);
        else out << paint_heading(fit_lines(render_text(r, t)), o.colour_out) << "\n";
        out.flush();
        counts.add(r.kind, r.passed, r.cases, work[k].of->name, work[k].variant);
      },
      watch_of(o, err, [&](std::size_t k) { return work[k].label(); }));
  if (json) out << "]\n";
  // The summary: after the reports as text; on stderr beside JSON or Markdown, which stay whole.
  if (text) out << counts.line(o.colour_out);
  else err << counts.line(o.colour_err);
  return counts.failed.empty() ? 0 : 1;
}

} // namespace gradlaws::cli
