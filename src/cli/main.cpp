// gradlaws: the command line. Default job: check every law and print a summary of verdicts.
#include <gradlaws/catalogue.hpp>
#include <gradlaws/report.hpp>

#include <iostream>

int main() {
  int failed = 0;
  const auto options = gradlaws::options_from_environment();
  for (const auto *e : gradlaws::catalogue()) {
    if (e->kind == gradlaws::entry_kind::fallacy) continue;
    for (const auto &v : e->variants()) {
      const auto r = e->run(v, options);
      std::cout << gradlaws::summary_line(r) << std::endl;
      if (!r.passed) {
        ++failed;
        std::cout << gradlaws::render_text(r) << std::endl;
      }
    }
  }
  return failed ? 1 : 0;
}
