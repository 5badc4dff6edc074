// gradlaws check NAME...: run entries, print their full reports, then a summary line.

#include "commands.hpp"
#include "../entries.hpp"
#include "../options.hpp"
#include "../terminal.hpp"

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
  for (std::size_t k = 0; k < work.size(); ++k) {
    const run_result r = run_variant(work[k], o.run);
    if (json) {
      std::string object = render_json(r, t);
      if (!object.empty() && object.back() == '\n') object.pop_back();
      out << object << (k + 1 < work.size() ? ",\n" : "\n");
    }
    else if (!text) out << render_markdown(r, t);
    else out << paint_heading(fit_lines(render_text(r, t)), o.colour_out) << "\n";
    counts.add(r.kind, r.passed, r.cases, work[k].of->name, work[k].variant);
  }
  if (json) out << "]\n";
  // The summary: after the reports as text; on stderr beside JSON or Markdown, which stay whole.
  if (text) out << counts.line(o.colour_out);
  else err << counts.line(o.colour_err);
  return counts.failed.empty() ? 0 : 1;
}

} // namespace gradlaws::cli
