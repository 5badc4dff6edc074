#include "workers.hpp"

#include <gradlaws/error.hpp>

#include <sched.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <map>
#include <thread>

namespace gradlaws::cli {

namespace {

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
};

[[noreturn]] void serve(int in, int out, const std::function<item_output(std::size_t)> &work) {
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

using work_fn = std::function<item_output(std::size_t)>;
using done_fn = std::function<void(std::size_t, const item_output &)>;

/// The worker processes of one run_items call. Stopping closes every pipe (a worker reads the
/// end of its input and exits), waits for each process and restores SIGPIPE.
class pool {
public:
  explicit pool(std::size_t n) : workers(n) {
    // A worker that dies must not kill the parent with SIGPIPE; the failed write says so.
    struct sigaction ignore{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous_);
  }

  /// Forks every worker; on failure stops those started and throws.
  void start(const work_fn &work) {
    std::fflush(nullptr); // nothing buffered twice
    for (worker &w : workers) {
      int down[2], up[2];
      pid_t pid = -1;
      if (::pipe(down) != 0 || ::pipe(up) != 0 || (pid = ::fork()) < 0) {
        stop();
        throw error(std::string("cannot start worker processes: ") + std::strerror(errno));
      }
      if (pid == 0) {
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
      w = {pid, down[1], up[0]};
    }
  }

  void kill_all() {
    for (worker &w : workers)
      if (w.pid > 0) ::kill(w.pid, SIGTERM);
  }

  void stop() {
    for (worker &w : workers) {
      if (w.to >= 0) ::close(w.to);
      if (w.from >= 0) ::close(w.from);
      w.to = w.from = -1;
    }
    for (worker &w : workers)
      if (w.pid > 0) {
        int st = 0;
        while (::waitpid(w.pid, &st, 0) < 0 && errno == EINTR) {
        }
        w.pid = -1;
      }
    sigaction(SIGPIPE, &previous_, nullptr);
  }

  std::vector<worker> workers;

private:
  struct sigaction previous_{};
};

/// Hands items out to the workers as they become free, and delivers the results in item order,
/// each as soon as it and every item before it have come back. After an item's error nothing
/// more is handed out or delivered.
class schedule {
public:
  schedule(std::size_t count, pool &p, const done_fn &done)
      : count_(count), pool_(p), done_(done), busy_(p.workers.size(), false) {}

  void run() {
    for (std::size_t k = 0; k < busy_.size(); ++k) busy_[k] = hand_out(pool_.workers[k]);
    while (std::find(busy_.begin(), busy_.end(), true) != busy_.end())
      for (const std::size_t k : ready()) {
        receive(pool_.workers[k]);
        busy_[k] = hand_out(pool_.workers[k]);
        deliver();
      }
  }

  /// The first item's error, or "".
  const std::string &failure() const { return failure_; }

private:
  bool hand_out(worker &w) {
    if (next_ >= count_ || !failure_.empty()) return false;
    const std::uint64_t index = next_++;
    return write_all(w.to, &index, sizeof index);
  }

  /// The busy workers with an answer to read.
  std::vector<std::size_t> ready() {
    for (;;) {
      fd_set set;
      FD_ZERO(&set);
      int top = -1;
      for (std::size_t k = 0; k < busy_.size(); ++k)
        if (busy_[k]) {
          FD_SET(pool_.workers[k].from, &set);
          top = std::max(top, pool_.workers[k].from);
        }
      if (::select(top + 1, &set, nullptr, nullptr, nullptr) < 0) {
        if (errno == EINTR) continue;
        throw error(std::string("waiting for worker processes: ") + std::strerror(errno));
      }
      std::vector<std::size_t> found;
      for (std::size_t k = 0; k < busy_.size(); ++k)
        if (busy_[k] && FD_ISSET(pool_.workers[k].from, &set)) found.push_back(k);
      return found;
    }
  }

  void receive(const worker &w) {
    std::string status;
    std::uint64_t index = 0, n = 0;
    item_output out;
    bool ok = read_string(w.from, status) && read_all(w.from, &index, sizeof index) &&
              read_all(w.from, &n, sizeof n);
    for (std::uint64_t s = 0; ok && s < n; ++s) {
      out.emplace_back();
      ok = read_string(w.from, out.back());
    }
    if (!ok) throw error("a worker process stopped before it finished its item");
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

  std::size_t count_, next_ = 0, delivered_ = 0;
  pool &pool_;
  const done_fn &done_;
  std::vector<bool> busy_;
  std::map<std::size_t, item_output> finished_;
  std::string failure_;
};

} // namespace

int default_jobs() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

void run_items(std::size_t count, int jobs, const work_fn &work, const done_fn &done) {
  if (jobs < 1) throw error("jobs: at least one process is needed, got " + std::to_string(jobs));
  if (jobs == 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) done(i, work(i));
    return;
  }
  pool workers(std::min<std::size_t>(std::size_t(jobs), count));
  workers.start(work);
  schedule s(count, workers, done);
  try {
    s.run();
  } catch (...) {
    workers.kill_all();
    workers.stop();
    throw;
  }
  workers.stop();
  if (!s.failure().empty()) throw error(s.failure());
}

} // namespace gradlaws::cli
