#include "detail/document.hpp"

namespace gradlaws::detail {

span plain(std::string s) { return {span::kind::text, std::move(s)}; }
span code(std::string s) { return {span::kind::code, std::move(s)}; }
span strong(std::string s) { return {span::kind::strong, std::move(s)}; }
span em(std::string s) { return {span::kind::em, std::move(s)}; }
span formula(std::string s) { return {span::kind::formula, std::move(s)}; }
span formula_code(std::string s) { return {span::kind::formula_code, std::move(s)}; }

std::string plain_text(const spans &s) {
  std::string out;
  for (const span &x : s) out += x.text;
  return out;
}

} // namespace gradlaws::detail
