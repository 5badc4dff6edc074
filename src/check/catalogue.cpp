#include "gradlaws/catalogue.hpp"

#include "gradlaws/activation.hpp"
#include "gradlaws/error.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cctype>
#include <charconv>
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

std::string run_bounds::why_bounded(bound b) {
  switch (b) {
  case bound::digits:
    return "the high rung confirms each verdict at D + " +
           std::to_string(tolerances{}.extra_digits) +
           " digits, and MPFR's precision stops at 100000";
  case bound::cases:
    return "RapidCheck sets memory aside for every case before the first one runs (2^31 - 1 "
           "cases throws std::bad_alloc)";
  case bound::max_size:
    return "RapidCheck scales each generator's range by size/100, so below " +
           std::to_string(min_max_size) +
           " every choice between two values (an input of width 1 or 2, a model with or "
           "without a hidden layer) takes the first and below 4 every value drawn is 0: a "
           "gradient that returns 0 would pass; above " + std::to_string(max_max_size) +
           " its count of sizes nears int overflow";
  }
  return "";
}

namespace {

/// The RC_PARAMS keys gradlaws reads, and RapidCheck's keys it does not use (its listener is
/// gradlaws's own, and a discarded case is a verdict that could not be reached, not a filter).
const std::vector<std::string> rc_keys_read{"max_success", "seed", "max_size", "noshrink",
                                            "reproduce"};
const std::vector<std::string> rc_keys_unused{"max_discard_ratio", "verbose_progress",
                                              "verbose_shrinking"};

std::string joined(const std::vector<std::string> &items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i)
    s += (i == 0 ? "" : i + 1 < items.size() ? ", " : " and ") + items[i];
  return s;
}

/// The keys of RC_PARAMS in order, read as RapidCheck reads the string: key[=value] pairs
/// separated by spaces, each word bare or quoted with ' or " (a backslash escapes). RapidCheck
/// stops silently at a pair without a key; here that is an error.
std::vector<std::string> rc_keys(const std::string &params) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < params.size() && space(params[at])) ++at;
  };
  const auto word = [&](bool key) {
    std::string w;
    if (at < params.size() && (params[at] == '\'' || params[at] == '"')) {
      const char quote = params[at++];
      for (bool escaped = false; at < params.size() && (escaped || params[at] != quote); ++at)
        if (!(escaped = !escaped && params[at] == '\\')) w += params[at];
      ++at; // the closing quote (RapidCheck has refused an unclosed one already)
      return w;
    }
    while (at < params.size() && !space(params[at]) && !(key && params[at] == '='))
      w += params[at++];
    return w;
  };
  std::vector<std::string> keys;
  for (skip_space(); at < params.size(); skip_space()) {
    const std::size_t key_at = at;
    std::string key = word(true);
    if (key.empty())
      throw error("RC_PARAMS='" + params + "' has a value without a key at character " +
                  std::to_string(key_at + 1) + "; write key=value pairs separated by spaces, "
                  "with the keys " + joined(rc_keys_read));
    if (std::find(keys.begin(), keys.end(), key) != keys.end())
      throw error("RC_PARAMS='" + params + "' gives '" + key + "' twice; give each key once");
    skip_space();
    if (at < params.size() && params[at] == '=') {
      ++at;
      skip_space();
      (void)word(false);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

void check_rc_key(const std::string &key) {
  if (std::find(rc_keys_read.begin(), rc_keys_read.end(), key) != rc_keys_read.end()) return;
  if (std::find(rc_keys_unused.begin(), rc_keys_unused.end(), key) != rc_keys_unused.end())
    throw error("RC_PARAMS key '" + key + "' is RapidCheck's, but gradlaws does not use it; "
                "it reads " + joined(rc_keys_read));
  throw unknown_name_error("RC_PARAMS key", key, rc_keys_read);
}

/// `value` of `name` if it is within [lo, hi], else an error that says why the bounds are.
int within(const std::string &name, int value, int lo, int hi, run_bounds::bound b) {
  if (value >= lo && value <= hi) return value;
  throw error(name + "=" + std::to_string(value) + " is outside [" + std::to_string(lo) + ", " +
              std::to_string(hi) + "]: " + run_bounds::why_bounded(b));
}

void read_rc_params(const std::string &params, run_options &o) {
  rc::detail::Configuration config;
  try {
    config = rc::detail::configFromString(params);
  } catch (const rc::detail::ConfigurationException &e) {
    throw error("RC_PARAMS='" + params + "' is not valid: " + e.what());
  }
  const std::vector<std::string> keys = rc_keys(params);
  for (const std::string &key : keys) check_rc_key(key);
  const auto given = [&](const char *key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  if (given("max_success")) {
    if (config.testParams.maxSuccess < 1)
      throw error("RC_PARAMS max_success=" + std::to_string(config.testParams.maxSuccess) +
                  " would let every law pass on no cases; give at least 1");
    o.cases = within("RC_PARAMS max_success", config.testParams.maxSuccess, 1,
                     run_bounds::max_cases, run_bounds::bound::cases);
  }
  if (given("seed")) o.seed = config.testParams.seed;
  if (given("max_size"))
    o.max_size = within("RC_PARAMS max_size", config.testParams.maxSize, run_bounds::min_max_size,
                        run_bounds::max_max_size, run_bounds::bound::max_size);
  o.shrink = !config.testParams.disableShrinking;
}

int digits_from(const std::string &text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < run_bounds::min_digits ||
      v > run_bounds::max_digits)
    throw error("GRADLAWS_DIGITS needs a whole number in [" +
                std::to_string(run_bounds::min_digits) + ", " +
                std::to_string(run_bounds::max_digits) + "], got '" + text +
                "': " + run_bounds::why_bounded(run_bounds::bound::digits));
  return v;
}

} // namespace

run_options options_from_environment() {
  run_options o;
  if (const char *p = std::getenv("RC_PARAMS")) read_rc_params(p, o);
  {
    // Loaded only once RC_PARAMS is known to be valid: RapidCheck exits on a malformed one.
    // RapidCheck announces the seed it would use on first load; gradlaws chooses its own
    // seeds (and prints them in every report), so the announcement would mislead.
    std::streambuf *saved = std::cerr.rdbuf(nullptr);
    rc::detail::configuration();
    std::cerr.rdbuf(saved);
    std::cerr.clear();
  }
  if (const char *d = std::getenv("GRADLAWS_DIGITS")) o.digits = digits_from(d);
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
