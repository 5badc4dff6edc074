#pragma once
// A name-keyed table of polymorphic entries, kept in registration order.

#include "gradlaws/error.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gradlaws::detail {

template <class Entry> class registry {
public:
  explicit registry(std::string kind) : kind_(std::move(kind)) {}
  registry(registry &&other) noexcept
      : kind_(std::move(other.kind_)), entries_(std::move(other.entries_)) {}

  void add(std::unique_ptr<const Entry> e) {
    std::lock_guard lock(mutex_);
    if (e->name().empty()) throw error("a " + kind_ + " needs a non-empty name");
    for (const auto &x : entries_)
      if (x->name() == e->name())
        throw error("a " + kind_ + " named '" + e->name() + "' is already registered");
    entries_.push_back(std::move(e));
  }

  const Entry &find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    for (const auto &x : entries_)
      if (x->name() == name) return *x;
    throw unknown_name_error(kind_, name, names_locked());
  }

  std::vector<const Entry *> all() const {
    std::lock_guard lock(mutex_);
    std::vector<const Entry *> out;
    for (const auto &x : entries_) out.push_back(x.get());
    return out;
  }

  std::vector<std::string> names() const {
    std::lock_guard lock(mutex_);
    return names_locked();
  }

private:
  std::vector<std::string> names_locked() const {
    std::vector<std::string> out;
    for (const auto &x : entries_) out.push_back(x->name());
    return out;
  }

  std::string kind_;
  std::vector<std::unique_ptr<const Entry>> entries_;
  mutable std::mutex mutex_;
};

} // namespace gradlaws::detail
