// What the catalogue knows of a result, and the files a report writes beside itself.

#include "detail/compose.hpp"

#include "gradlaws/error.hpp"
#include "gradlaws/report.hpp"

#include <filesystem>
#include <fstream>

namespace gradlaws {

report_input report_input_of(run_result r) {
  report_input in{.result = std::move(r), .family = {}, .boundary = {}};
  try {
    const entry &e = find_entry(in.result.entry);
    in.family = e.family;
    in.boundary = e.boundary;
  } catch (const unknown_name_error &) {
    // a result of the user's own law: no family
  }
  return in;
}

namespace {

void write_text(const std::filesystem::path &path, const std::string &text, const char *what) {
  std::ofstream out(path);
  out << text;
  if (!out) throw error(std::string("cannot write the ") + what + " '" + path.string() + "'");
}

void create_dir(const std::string &dir, const char *what) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw error(std::string("cannot create the ") + what + " directory '" + dir + "': " + ec.message());
}

} // namespace

std::size_t write_pictures(const std::vector<report_input> &inputs, const std::string &dir) {
  std::size_t n = 0;
  for (const report_input &in : inputs)
    for (const auto &pic : detail::draw_figures(in.result).pictures) {
      if (n++ == 0) create_dir(dir, "pictures");
      write_text(std::filesystem::path(dir) / pic.file, pic.svg, "picture");
    }
  return n;
}

void write_report_files(const run_result &r, const std::string &dir) {
  create_dir(dir, "report");
  write_text(std::filesystem::path(dir) / (r.test_name + ".md"), render_markdown(r), "report file");
  write_text(std::filesystem::path(dir) / (r.test_name + ".json"), render_json(r), "report file");
}

} // namespace gradlaws
