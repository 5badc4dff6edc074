#include "gradlaws/detail/deadline.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <pthread.h>

namespace gradlaws::detail {

namespace {

using clock = std::chrono::steady_clock;

struct armed {
  clock::time_point due;
  double seconds;
  std::string what;
  std::function<std::string()> describe;
};

/// The watchdog's state. Never destroyed: the watchdog thread may be waiting on it while
/// static destructors run at exit.
struct watchdog {
  std::mutex lock;
  std::condition_variable wake;
  std::map<unsigned long long, armed> cases;
  bool running = false;

  [[noreturn]] static void expire(const armed &a) {
    std::string text;
    try {
      text = a.describe ? a.describe() : "";
    } catch (...) {
      text = "(the case could not describe itself)";
    }
    std::fprintf(stderr,
                 "gradlaws: %s: one case has run for more than %g s (run_options::case_deadline); "
                 "the code under test did not return. Stopping the process.\n%s\n",
                 a.what.c_str(), a.seconds, text.c_str());
    std::fflush(stderr);
    std::_Exit(124);
  }

  void watch() {
    std::unique_lock<std::mutex> l(lock);
    for (;;) {
      // Polling once a second keeps arming cheap: nothing is signalled per case.
      wake.wait_for(l, std::chrono::seconds(1));
      const auto now = clock::now();
      for (const auto &[id, a] : cases)
        if (now >= a.due) expire(a);
    }
  }
};

watchdog *state = nullptr;
std::once_flag at_fork_registered;
std::atomic<unsigned long long> next_id{1};

watchdog &the_watchdog() {
  std::call_once(at_fork_registered, [] {
    // A forked worker has no watchdog thread: it starts its own on its first case.
    pthread_atfork(nullptr, nullptr, [] { state = nullptr; });
  });
  if (!state) state = new watchdog;
  return *state;
}

} // namespace

case_deadline::case_deadline(double seconds, std::string what, std::function<std::string()> describe) {
  if (!(seconds > 0)) return;
  watchdog &w = the_watchdog();
  const std::lock_guard<std::mutex> g(w.lock);
  id_ = next_id++;
  const auto due = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  w.cases.emplace(id_, armed{due, seconds, std::move(what), std::move(describe)});
  if (!w.running) {
    w.running = true;
    std::thread([&w] { w.watch(); }).detach();
  }
}

case_deadline::~case_deadline() {
  if (!id_ || !state) return;
  const std::lock_guard<std::mutex> g(state->lock);
  state->cases.erase(id_);
}

} // namespace gradlaws::detail
