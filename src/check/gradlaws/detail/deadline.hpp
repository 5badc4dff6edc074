#pragma once
// A deadline on one case of a run. A subject that does not return in time cannot be stopped
// safely from inside the process (it may hold locks, or be in the middle of any write), so the
// watchdog ends the process with a message naming the run and the case: a stuck check fails
// loudly instead of hanging its test binary or the command line's worker forever.

#include <functional>
#include <string>

namespace gradlaws::detail {

/// Arms the watchdog for the lifetime of the object: if it is still alive `seconds` after it
/// was made, the process prints "<what>: one case has run for more than <seconds> s …" and the
/// case (`describe`, called on the watchdog's thread) to stderr and exits with status 124.
/// seconds ≤ 0 arms nothing. Cheap: one mutex lock to arm and one to disarm.
class case_deadline {
public:
  case_deadline(double seconds, std::string what, std::function<std::string()> describe);
  ~case_deadline();
  case_deadline(const case_deadline &) = delete;
  case_deadline &operator=(const case_deadline &) = delete;

private:
  unsigned long long id_ = 0;
};

} // namespace gradlaws::detail
