#pragma once
// Runs independent items of work on several processes and hands their results back in item
// order, so that what the command line prints, and what check() returns, does not depend on
// how many processes ran it.
// Processes, not threads: RapidCheck keeps its run state in process-wide statics, and a worker
// that crashes, hangs or is stopped takes only itself down.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace gradlaws::detail {

/// What one item produced: a list of strings (the caller decides what they mean).
using item_output = std::vector<std::string>;

/// How run_items watches its workers.
struct item_watch {
  /// Seconds an item may run; a worker past it is killed and run_items throws naming the
  /// item. 0: no limit.
  double deadline = 0;
  /// Seconds between progress lines, each handed to `progress` (0: none): "progress: 3 of 21
  /// done after 1m05s; running linearity [relu_high] (40 s), …".
  double every = 0;
  std::function<void(const std::string &line)> progress;
  /// Item i's name in errors and progress lines; "item <i + 1>" when unset.
  std::function<std::string(std::size_t)> name;
  /// Said after a deadline's error, e.g. how to give more time.
  std::string deadline_note;
};

/// Calls work(i) for i in [0, count) on up to `jobs` forked worker processes, and done(i,
/// output) in this process for i = 0, 1, … in order, each as soon as it and every item before
/// it have finished. With one job (or one item), no deadline and no progress, the items run
/// in this process. An exception in work(i) is rethrown here as gradlaws::error with its
/// message, after the workers have stopped; so is a worker that dies (its item is named, and
/// how it ended) or outlives watch.deadline (it is killed first).
void run_items(std::size_t count, int jobs, const std::function<item_output(std::size_t)> &work,
               const std::function<void(std::size_t, const item_output &)> &done,
               const item_watch &watch = {});

/// The number of processes to use by default: the cores this process may run on.
int default_jobs();

/// "1m05s", "2h03m", "12 s": a duration in whole seconds, for progress lines.
std::string duration_text(double seconds);

} // namespace gradlaws::detail
