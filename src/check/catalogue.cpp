#include "gradlaws/catalogue.hpp"

#include "gradlaws/activation.hpp"
#include "gradlaws/error.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>

namespace gradlaws {

std::string_view to_string(entry_kind k) {
  switch (k) {
  case entry_kind::law: return "law";
  case entry_kind::boundary_law: return "boundary law";
  case entry_kind::fallacy: return "fallacy";
  }
  return "?";
}

std::string_view to_string(run_status s) {
  switch (s) {
  case run_status::held: return "held";
  case run_status::falsified: return "falsified";
  case run_status::gave_up: return "gave up";
  case run_status::setup_failure: return "setup failure";
  }
  return "?";
}

namespace {
std::map<std::string, std::unique_ptr<entry>, std::less<>> &entry_table() {
  static std::map<std::string, std::unique_ptr<entry>, std::less<>> t;
  return t;
}
int kind_order(entry_kind k) { return k == entry_kind::fallacy ? 1 : 0; }
} // namespace

bool register_entry(entry e) {
  if (e.name.empty()) throw error("a catalogue entry needs a name");
  if (!e.run || !e.variants) throw error("catalogue entry '" + e.name + "' has no runner");
  auto &t = entry_table();
  if (t.count(e.name)) throw error("a catalogue entry named '" + e.name + "' is already registered");
  std::string key = e.name;
  t.emplace(std::move(key), std::make_unique<entry>(std::move(e)));
  return true;
}

std::vector<const entry *> catalogue() {
  std::vector<const entry *> out;
  for (const auto &[name, e] : entry_table()) out.push_back(e.get());
  std::stable_sort(out.begin(), out.end(), [](const entry *a, const entry *b) {
    return kind_order(a->kind) < kind_order(b->kind);
  });
  return out;
}

const entry &find_entry(std::string_view name) {
  const auto &t = entry_table();
  if (auto it = t.find(name); it != t.end()) return *it->second;
  std::vector<std::string> names;
  for (const auto &[n, e] : t) names.push_back(n);
  throw unknown_name_error("catalogue entry", name, names);
}

std::string test_name(const entry &e, const std::string &variant) {
  const std::string prefix = e.kind == entry_kind::fallacy ? "fallacy_" : "law_";
  return prefix + e.name + "." + variant;
}

run_options options_from_environment() {
  run_options o;
  if (const char *p = std::getenv("RC_PARAMS")) {
    const std::string params(p);
    rc::detail::Configuration config;
    try {
      config = rc::detail::configFromString(params);
    } catch (const rc::detail::ConfigurationException &e) {
      throw error("RC_PARAMS='" + params + "' is not valid: " + e.what());
    }
    if (params.find("max_success") != std::string::npos) {
      if (config.testParams.maxSuccess < 1)
        throw error("RC_PARAMS max_success=" + std::to_string(config.testParams.maxSuccess) +
                    " would let every law pass on no cases; give at least 1");
      o.cases = config.testParams.maxSuccess;
    }
    if (params.find("seed") != std::string::npos) o.seed = config.testParams.seed;
    if (params.find("max_size") != std::string::npos) {
      if (config.testParams.maxSize < 0)
        throw error("RC_PARAMS max_size=" + std::to_string(config.testParams.maxSize) +
                    " is negative");
      o.max_size = config.testParams.maxSize;
    }
    o.shrink = !config.testParams.disableShrinking;
  }
  {
    // Loaded only once RC_PARAMS is known to be valid: RapidCheck exits on a malformed one.
    // RapidCheck announces the seed it would use on first load; gradlaws chooses its own
    // seeds (and prints them in every report), so the announcement would mislead.
    std::streambuf *saved = std::cerr.rdbuf(nullptr);
    rc::detail::configuration();
    std::cerr.rdbuf(saved);
    std::cerr.clear();
  }
  if (const char *d = std::getenv("GRADLAWS_DIGITS")) {
    char *end = nullptr;
    const long v = std::strtol(d, &end, 10);
    if (end == d || *end != '\0' || v < 10 || v > 100000)
      throw error(std::string("GRADLAWS_DIGITS='") + d + "' is not a number of digits in [10, 100000]");
    o.digits = int(v);
  }
  return o;
}

derivative_gap derivative_gap_of(std::string_view activation, const std::vector<long> &z,
                                 int digits) {
  const class activation &a = find_activation(activation);
  const precision_scope scope(std::max(digits + 10, 20));
  vec<high> values(Eigen::Index(z.size()));
  for (std::size_t i = 0; i < z.size(); ++i) values[Eigen::Index(i)] = high(z[i]);
  return {to_significant(derivative_at_mean<high>(a, values)[0], digits),
          to_significant(mean_derivative<high>(a, values)[0], digits)};
}

} // namespace gradlaws
