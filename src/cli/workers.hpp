#pragma once
// Runs independent items of work on several processes and hands their results back in item
// order, so that what the command line prints does not depend on how many processes ran it.
// Processes, not threads: RapidCheck keeps its run state in process-wide statics.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace gradlaws::cli {

/// What one item produced: a list of strings (the caller decides what they mean).
using item_output = std::vector<std::string>;

/// Calls work(i) for i in [0, count) on up to `jobs` forked worker processes (in this process
/// when jobs is 1 or count is 1), and done(i, output) in this process for i = 0, 1, … in order,
/// each as soon as it and every item before it have finished. An exception in work(i) is
/// rethrown here as gradlaws::error with its message, after the workers have stopped.
void run_items(std::size_t count, int jobs, const std::function<item_output(std::size_t)> &work,
               const std::function<void(std::size_t, const item_output &)> &done);

/// The number of processes to use by default: the cores this process may run on.
int default_jobs();

} // namespace gradlaws::cli
