#pragma once
// A choice of registry entries (activations, losses, layer kinds, strategies) as a value: all
// of them, the ones named, or the ones a predicate admits. Laws say with selections what
// they range over; subjects say with them what they support; a plan intersects the two.
//
//   auto mine = gradlaws::selection<gradlaws::activation>::named({"relu", "tanh"});
//   auto smooth = gradlaws::selection<gradlaws::activation>::where(
//       "smooth", [](const gradlaws::activation &a) { return a.info().kinks.empty(); });
//   (mine & smooth).admits(gradlaws::find_activation("tanh"));   // true
//
// Entry needs `name()` returning something comparable with std::string.

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gradlaws {

template <class Entry> class selection {
public:
  /// Every entry (the default).
  selection() = default;
  static selection all() { return {}; }
  /// The entries named; describe() lists them.
  static selection named(std::vector<std::string> names) {
    selection s;
    std::string text;
    for (const auto &n : names) text += (text.empty() ? "" : ", ") + n;
    s.what_ = text.empty() ? "none" : text;
    s.names_ = std::make_shared<const std::vector<std::string>>(std::move(names));
    return s;
  }
  /// No entry at all.
  static selection none() { return named({}); }
  /// The entries `admits` accepts; `what` says which in words ("with an affine derivative").
  static selection where(std::string what, std::function<bool(const Entry &)> admits) {
    selection s;
    s.what_ = std::move(what);
    s.test_ = std::move(admits);
    return s;
  }

  bool admits(const Entry &e) const {
    if (names_ && std::find(names_->begin(), names_->end(), std::string(e.name())) == names_->end())
      return false;
    for (const selection &other : also_)
      if (!other.admits(e)) return false;
    return !test_ || test_(e);
  }
  bool is_all() const { return !names_ && !test_ && also_.empty(); }
  /// "every", a list of names, or the predicate's words (joined by " and ").
  std::string describe() const {
    std::string s = what_.empty() ? "every" : what_;
    for (const selection &other : also_) s += " and " + other.describe();
    return s;
  }
  /// The entries of `all` this admits, in their order.
  std::vector<const Entry *> of(const std::vector<const Entry *> &all) const {
    std::vector<const Entry *> out;
    for (const Entry *e : all)
      if (admits(*e)) out.push_back(e);
    return out;
  }

  /// The entries both admit.
  friend selection operator&(selection a, const selection &b) {
    if (b.is_all()) return a;
    if (a.is_all()) return b;
    a.also_.push_back(b);
    return a;
  }

private:
  std::string what_;
  std::shared_ptr<const std::vector<std::string>> names_;
  std::function<bool(const Entry &)> test_;
  std::vector<selection> also_; // intersected with these too
};

} // namespace gradlaws
