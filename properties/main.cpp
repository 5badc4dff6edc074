// The property suite's test runner: one GoogleTest test per catalogue entry and variant, so
// every law and fallacy is its own CTest test ("law_linearity.relu_exact").

#include <gradlaws/catalogue.hpp>
#include <gradlaws/report.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

namespace {

class catalogue_test : public testing::Test {
public:
  catalogue_test(const gradlaws::entry *e, std::string variant) : e_(e), variant_(std::move(variant)) {}
  void TestBody() override {
    const auto result = e_->run(variant_, gradlaws::options_from_environment());
    std::cout << gradlaws::render_text(result) << std::flush;
    if (const char *dir = std::getenv("GRADLAWS_REPORT_DIR")) gradlaws::write_report_files(result, dir);
    if (!result.passed) FAIL() << gradlaws::summary_line(result);
  }

private:
  const gradlaws::entry *e_;
  std::string variant_;
};

} // namespace

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  for (const gradlaws::entry *e : gradlaws::catalogue()) {
    for (const std::string &variant : e->variants()) {
      const std::string full = gradlaws::test_name(*e, variant);
      const auto dot = full.find('.');
      const std::string suite = full.substr(0, dot), name = full.substr(dot + 1);
      testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [e, variant]() -> testing::Test * { return new catalogue_test(e, variant); });
    }
  }
  return RUN_ALL_TESTS();
}
