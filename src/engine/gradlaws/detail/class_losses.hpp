#pragma once
// The registry's class-index losses (defined in class_losses.cpp).

#include "gradlaws/loss.hpp"

#include <functional>
#include <memory>

namespace gradlaws::detail {
/// Passes each of the class-index losses (and the BCE with pos_weight) to `add`, in order.
void add_class_losses(const std::function<void(std::unique_ptr<const loss>)> &add);
} // namespace gradlaws::detail
