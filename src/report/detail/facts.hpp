#pragma once
// The facts the report's answer and catalogue are written from, computed once from the results:
// each entry over its variants (how many passed, on how many cases, with which verdicts, its
// shortest witness), the totals, and the parts of the catalogue in the order a reader needs.

#include "detail/document.hpp"

#include "gradlaws/report.hpp"

#include <string>
#include <vector>

namespace gradlaws::detail {

/// One entry over its variants.
struct entry_facts {
  std::string name;
  const report_input *first = nullptr;
  std::vector<const report_input *> variants;
  int passed = 0;
  long cases = 0; ///< generated cases of the variants that held (laws and boundary laws)
  std::vector<std::pair<std::string, long>> verdicts; ///< "exactly equal" → cases, first seen first
  const report_input *witness = nullptr; ///< a fallacy's shortest shrunk witness
  std::string witness_text;              ///< its shrunk case on one line

  const run_result &result() const { return first->result; }
  bool all_passed() const { return std::size_t(passed) == variants.size(); }
  /// "60 exactly equal, 40 equal to working precision".
  std::string verdict_counts() const;
  /// "held on all 21 variants" / "held on 20 of 21 variants; **FAILED**: relu_exact", or for a
  /// fallacy "refuted, as expected" / "refuted as expected on 1 of 2 variants; **FAILED**: …".
  spans outcome() const;
};

struct report_facts {
  std::vector<entry_facts> entries; ///< in the order of the results
  int passed = 0;                   ///< variants that came out as expected
  std::size_t variants = 0;
  long law_cases = 0;
  double seconds = 0;
  int law_entries = 0, fallacy_entries = 0, laws_held = 0, fallacies_refuted = 0;

  /// The entry named, or nullptr.
  const entry_facts *find(const std::string &name) const;
};
report_facts facts_of(const std::vector<report_input> &inputs);

/// A part of the catalogue: its title, a paragraph that says what its families share, and the
/// families in it.
struct catalogue_part {
  const char *title;
  spans lead;
  std::vector<std::string> families;
};
/// The four parts in the order a reader needs them.
const std::vector<catalogue_part> &catalogue_parts();
/// Index into catalogue_parts() of a family; catalogue_parts().size() for a user's own family.
std::size_t part_of(const std::string &family);

/// The words a report uses, each defined in a sentence.
const std::vector<spans> &glossary();

} // namespace gradlaws::detail
