#include "gradlaws/gtest.hpp"

#include "gradlaws/report.hpp"
#include "gradlaws/variant.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <iostream>

namespace gradlaws {

namespace {

/// The command that reruns the current GoogleTest test of this binary.
std::string this_test_command() {
  const testing::TestInfo *t = testing::UnitTest::GetInstance()->current_test_info();
  std::string program = program_invocation_name ? program_invocation_name : "<test binary>";
  if (!t) return program;
  return program + " --gtest_filter='" + t->test_suite_name() + "." + t->name() + "'";
}

template <class Subject>
std::vector<run_result> expect(const char *file, int line, const Subject &s, check_options o) {
  if (!o.run) o.run = options_from_environment();
  if (o.run->rerun.empty()) o.run->rerun = this_test_command();
  std::vector<run_result> results;
  try {
    results = check(s, o);
  } catch (const std::exception &e) {
    ADD_FAILURE_AT(file, line) << "gradlaws could not check '" << s.name() << "': " << e.what();
    return results;
  }
  int passed = 0;
  for (const run_result &r : results) {
    if (r.passed) {
      ++passed;
      continue;
    }
    ADD_FAILURE_AT(file, line) << render_text(r, timings::omitted);
  }
  std::cout << "gradlaws: '" << s.name() << "': " << passed << " of " << results.size()
            << " law runs passed\n";
  for (const run_result &r : results) std::cout << "  " << summary_line(r, timings::omitted) << "\n";
  // What did not run, and why: the laws' domains against what the subject supports.
  for (const plan_entry &e : explain_plan(s, o))
    if (e.variants.empty() && o.laws.empty())
      std::cout << "  left out  " << e.law << ": " << e.left_out << "\n";
  return results;
}

} // namespace

std::vector<run_result> expect_laws_at(const char *file, int line, const gradient_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}
std::vector<run_result> expect_laws_at(const char *file, int line, const backward_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}
std::vector<run_result> expect_laws_at(const char *file, int line, const pipeline_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}
std::vector<run_result> expect_laws_at(const char *file, int line, const clipping_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}
std::vector<run_result> expect_laws_at(const char *file, int line, const optimizer_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}
std::vector<run_result> expect_laws_at(const char *file, int line, const accumulation_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}
std::vector<run_result> expect_laws_at(const char *file, int line, const training_step_subject &s,
                                       check_options o) {
  return expect(file, line, s, std::move(o));
}

namespace {
bool names_entry(const variant &v, const std::string &name) {
  return (v.act && v.act->name() == name) || (v.layer && *v.layer && (*v.layer)->name() == name);
}
} // namespace

std::vector<run_result> expect_laws_of_entry_at(const char *file, int line, const std::string &name,
                                                run_options o) {
  if (o.rerun.empty()) o.rerun = this_test_command();
  std::vector<run_result> results;
  for (const entry *e : catalogue())
    for (const std::string &v : e->variants())
      if (names_entry(variant::parse(v), name)) results.push_back(e->run(v, o));
  if (results.empty()) {
    ADD_FAILURE_AT(file, line) << "no catalogue law has a variant of '" << name
                               << "': register it as an activation or a layer kind, and link "
                                  "gradlaws::catalogue (a registered loss is drawn by every law "
                                  "over activations instead)";
    return results;
  }
  int passed = 0;
  for (const run_result &r : results) {
    if (r.passed) ++passed;
    else ADD_FAILURE_AT(file, line) << render_text(r, timings::omitted);
  }
  std::cout << "gradlaws: '" << name << "': " << passed << " of " << results.size()
            << " catalogue runs passed\n";
  return results;
}

} // namespace gradlaws
