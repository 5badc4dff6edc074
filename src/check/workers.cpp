#include "gradlaws/detail/workers.hpp"

#include <gradlaws/error.hpp>

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

namespace gradlaws::detail {

namespace {

using steady = std::chrono::steady_clock;
using work_fn = std::function<item_output(std::size_t)>;
using done_fn = std::function<void(std::size_t, const item_output &)>;

// Messages on the pipes: a 64-bit length, then that many bytes. A worker reads item indices
// (as 8-byte messages) and answers each with [status, index, n strings…].

bool write_all(int fd, const void *data, std::size_t n) {
  const char *p = static_cast<const char *>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= std::size_t(w);
  }
  return true;
}

bool read_all(int fd, void *data, std::size_t n) {
  char *p = static_cast<char *>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= std::size_t(r);
  }
  return true;
}

bool write_string(int fd, const std::string &s) {
  const std::uint64_t n = s.size();
  return write_all(fd, &n, sizeof n) && write_all(fd, s.data(), s.size());
}

bool read_string(int fd, std::string &s) {
  std::uint64_t n = 0;
  if (!read_all(fd, &n, sizeof n)) return false;
  s.resize(n);
  return read_all(fd, s.data(), n);
}

struct worker {
  pid_t pid = -1;
  int to = -1, from = -1; // the parent's ends
  bool busy = false;
  std::size_t item = 0;   // the item it runs, when busy
  steady::time_point started;
};

[[noreturn]] void serve(int in, int out, const work_fn &work) {
  std::uint64_t index = 0;
  while (read_all(in, &index, sizeof index)) {
    item_output result;
    std::string status = "ok";
    try {
      result = work(std::size_t(index));
    } catch (const std::exception &e) {
      status = "error";
      result = {e.what()};
    } catch (...) {
      status = "error";
      result = {"an unknown exception"};
    }
    const std::uint64_t n = result.size();
    bool ok = write_string(out, status) && write_all(out, &index, sizeof index) &&
              write_all(out, &n, sizeof n);
    for (const std::string &s : result) ok = ok && write_string(out, s);
    if (!ok) ::_exit(3);
  }
  ::_exit(0);
}

/// A forked worker dies with its parent, and does not run the handlers by which the parent
/// removes its unfinished output on SIGINT, SIGTERM or SIGHUP (an ignored signal stays so).
void become_worker(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1); // the parent was gone before the line above
  for (const int s : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction now{};
    if (sigaction(s, nullptr, &now) == 0 && now.sa_handler != SIG_IGN) {
      struct sigaction plain{};
      plain.sa_handler = SIG_DFL;
      sigaction(s, &plain, nullptr);
    }
  }
}

/// How a reaped process ended, after "it ": "was killed by signal 9 (Killed)".
std::string ending(int status) {
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

/// The worker processes of one run_items call. Stopping (also on destruction) closes every
/// pipe, so that an idle worker reads the end of its input and exits, waits for each process
/// and restores SIGPIPE.
class pool {
public:
  explicit pool(std::size_t n) : workers(n) {
    // A worker that dies must not kill the parent with SIGPIPE; the failed write says so.
    struct sigaction ignore{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous_);
  }
  pool(const pool &) = delete;
  pool &operator=(const pool &) = delete;
  ~pool() { stop(); }

  /// Forks every worker; on failure stops those started and throws.
  void start(const work_fn &work) {
    std::fflush(nullptr); // nothing buffered twice
    const pid_t parent = ::getpid();
    for (worker &w : workers) {
      int down[2], up[2];
      pid_t pid = -1;
      if (::pipe(down) != 0 || ::pipe(up) != 0 || (pid = ::fork()) < 0) {
        stop();
        throw error(std::string("cannot start worker processes: ") + std::strerror(errno));
      }
      if (pid == 0) {
        become_worker(parent);
        ::close(down[1]);
        ::close(up[0]);
        for (worker &other : workers) { // the other workers' pipes are not this one's
          if (other.to >= 0) ::close(other.to);
          if (other.from >= 0) ::close(other.from);
        }
        serve(down[0], up[1], work);
      }
      ::close(down[0]);
      ::close(up[1]);
      w.pid = pid;
      w.to = down[1];
      w.from = up[0];
    }
  }

  /// Kills every worker: SIGKILL, since a stopped process acts on nothing else.
  void kill_all() {
    for (worker &w : workers)
      if (w.pid > 0) ::kill(w.pid, SIGKILL);
  }

  /// Reaps `w`, whose output reached its end or which is to be killed, and says how it ended.
  /// A worker still running a second after it closed its output is killed.
  std::string reap(worker &w, bool kill_first) {
    close_pipes(w);
    if (kill_first) ::kill(w.pid, SIGKILL);
    int status = 0;
    pid_t got = 0;
    for (int tries = 0; (got = ::waitpid(w.pid, &status, WNOHANG)) == 0 && tries < 100; ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (got == 0) {
      ::kill(w.pid, SIGKILL);
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    w.pid = -1;
    return got == 0 ? "closed its output and was killed" : ending(status);
  }

  void stop() {
    for (worker &w : workers) close_pipes(w);
    for (worker &w : workers)
      if (w.pid > 0) {
        ::kill(w.pid, SIGCONT); // a stopped worker wakes to read the end of its input
        int st = 0;
        while (::waitpid(w.pid, &st, 0) < 0 && errno == EINTR) {
        }
        w.pid = -1;
      }
    if (!restored_) sigaction(SIGPIPE, &previous_, nullptr);
    restored_ = true;
  }

  std::vector<worker> workers;

private:
  static void close_pipes(worker &w) {
    if (w.to >= 0) ::close(w.to);
    if (w.from >= 0) ::close(w.from);
    w.to = w.from = -1;
  }

  struct sigaction previous_{};
  bool restored_ = false;
};

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", s);
  return text;
}

/// Hands items out to the workers as they become free, and delivers the results in item order,
/// each as soon as it and every item before it have come back. After an item's error nothing
/// more is handed out or delivered. Watches the deadline and prints progress.
class schedule {
public:
  schedule(std::size_t count, pool &p, const done_fn &done, const item_watch &watch)
      : count_(count), pool_(p), done_(done), watch_(watch), begun_(steady::now()),
        next_progress_(begun_ + seconds(watch.every)) {}

  void run() {
    for (worker &w : pool_.workers) hand_out(w);
    while (busy()) {
      for (worker *w : ready()) {
        receive(*w);
        hand_out(*w);
        deliver();
      }
      check_deadlines();
      if (busy()) report_progress();
    }
  }

  /// The first item's error, or "".
  const std::string &failure() const { return failure_; }

private:
  static steady::duration seconds(double s) {
    return std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s));
  }

  bool busy() const {
    return std::any_of(pool_.workers.begin(), pool_.workers.end(),
                       [](const worker &w) { return w.busy; });
  }

  std::string name(std::size_t item) const {
    return watch_.name ? watch_.name(item) : "item " + std::to_string(item + 1);
  }

  void hand_out(worker &w) {
    w.busy = false;
    if (next_ >= count_ || !failure_.empty()) return;
    const std::uint64_t index = next_++;
    w.item = std::size_t(index);
    w.started = steady::now();
    w.busy = write_all(w.to, &index, sizeof index);
    if (!w.busy) died(w); // it was gone before it could take the item
  }

  /// When select must return at the latest: the next deadline or progress line.
  std::optional<steady::time_point> wake() const {
    std::optional<steady::time_point> at;
    const auto sooner = [&](steady::time_point t) { at = at ? std::min(*at, t) : t; };
    if (watch_.deadline > 0)
      for (const worker &w : pool_.workers)
        if (w.busy) sooner(w.started + seconds(watch_.deadline));
    if (watch_.every > 0 && watch_.progress) sooner(next_progress_);
    return at;
  }

  /// The busy workers with an answer (or the end of their output) to read; none when the
  /// wait was cut short by a deadline, a progress line or a signal.
  std::vector<worker *> ready() {
    fd_set set;
    FD_ZERO(&set);
    int top = -1;
    for (const worker &w : pool_.workers)
      if (w.busy) {
        FD_SET(w.from, &set);
        top = std::max(top, w.from);
      }
    timeval limit{}, *timeout = nullptr;
    if (const auto at = wake()) {
      const auto left = std::max(steady::duration::zero(), *at - steady::now());
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      limit.tv_sec = us / 1000000;
      limit.tv_usec = us % 1000000;
      timeout = &limit;
    }
    std::vector<worker *> found;
    if (::select(top + 1, &set, nullptr, nullptr, timeout) < 0) {
      if (errno == EINTR) return found;
      throw error(std::string("waiting for worker processes: ") + std::strerror(errno));
    }
    for (worker &w : pool_.workers)
      if (w.busy && FD_ISSET(w.from, &set)) found.push_back(&w);
    return found;
  }

  [[noreturn]] void died(worker &w) {
    const std::string how = pool_.reap(w, false);
    throw error("the worker process running " + name(w.item) +
                " stopped before it finished: it " + how);
  }

  void receive(worker &w) {
    std::string status;
    std::uint64_t index = 0, n = 0;
    item_output out;
    bool ok = read_string(w.from, status) && read_all(w.from, &index, sizeof index) &&
              read_all(w.from, &n, sizeof n);
    for (std::uint64_t s = 0; ok && s < n; ++s) {
      out.emplace_back();
      ok = read_string(w.from, out.back());
    }
    if (!ok) died(w);
    if (status != "ok" && failure_.empty()) failure_ = out.empty() ? "an error" : out.front();
    else finished_.emplace(std::size_t(index), std::move(out));
  }

  void deliver() {
    for (auto it = finished_.find(delivered_); failure_.empty() && it != finished_.end();
         it = finished_.find(delivered_)) {
      done_(delivered_, it->second);
      finished_.erase(it);
      ++delivered_;
    }
  }

  void check_deadlines() {
    if (watch_.deadline <= 0) return;
    const auto now = steady::now();
    for (worker &w : pool_.workers)
      if (w.busy && now - w.started >= seconds(watch_.deadline)) {
        pool_.reap(w, true);
        throw error(name(w.item) + " did not finish within " + seconds_text(watch_.deadline) +
                    ": its worker process was killed" + watch_.deadline_note);
      }
  }

  void report_progress() {
    const auto now = steady::now();
    if (watch_.every <= 0 || !watch_.progress || now < next_progress_) return;
    const auto since = [&](steady::time_point t) {
      return duration_text(std::chrono::duration<double>(now - t).count());
    };
    std::string line = "progress: " + std::to_string(delivered_ + finished_.size()) + " of " +
                       std::to_string(count_) + " done after " + since(begun_);
    std::string running;
    for (const worker &w : pool_.workers)
      if (w.busy)
        running += (running.empty() ? "" : ", ") + name(w.item) + " (" + since(w.started) + ")";
    if (!running.empty()) line += "; running " + running;
    watch_.progress(line);
    next_progress_ = now + seconds(watch_.every);
  }

  std::size_t count_, next_ = 0, delivered_ = 0;
  pool &pool_;
  const done_fn &done_;
  const item_watch &watch_;
  steady::time_point begun_, next_progress_;
  std::map<std::size_t, item_output> finished_;
  std::string failure_;
};

} // namespace

int default_jobs() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

std::string duration_text(double seconds) {
  const long s = long(seconds);
  if (s < 60) return std::to_string(s) + " s";
  char text[32];
  if (s < 3600) std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s / 60 % 60);
  return text;
}

void run_items(std::size_t count, int jobs, const work_fn &work, const done_fn &done,
               const item_watch &watch) {
  if (jobs < 1) throw error("jobs: at least one process is needed, got " + std::to_string(jobs));
  const bool watched = watch.deadline > 0 || (watch.every > 0 && watch.progress);
  if ((jobs == 1 || count <= 1) && !watched) {
    for (std::size_t i = 0; i < count; ++i) done(i, work(i));
    return;
  }
  if (count == 0) return;
  pool workers(std::min<std::size_t>(std::size_t(jobs), count));
  workers.start(work);
  schedule s(count, workers, done, watch);
  try {
    s.run();
  } catch (...) {
    workers.kill_all();
    throw; // the pool reaps them
  }
  workers.stop();
  if (!s.failure().empty()) throw error(s.failure());
}

} // namespace gradlaws::detail
