#pragma once
// The command line's worker processes: the checking layer's (gradlaws/detail/workers.hpp).

#include <gradlaws/detail/workers.hpp>

namespace gradlaws::cli {
using detail::default_jobs;
using detail::duration_text;
using detail::item_output;
using detail::item_watch;
using detail::run_items;
} // namespace gradlaws::cli
