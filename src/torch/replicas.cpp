// Real replicas: a data-parallel step run on R processes joined by libtorch's c10d Gloo process
// group over a file store, each rank's gradients sent back to the checking process by a pipe.

#include "gradlaws/torch.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#if GRADLAWS_TORCH_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif

namespace gradlaws::libtorch::detail {
namespace {

void write_all(int fd, const void *data, std::size_t n) {
  const char *p = static_cast<const char *>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= std::size_t(w);
  }
}

/// The first line of an exception's message (libtorch's carry a backtrace after it).
std::string first_line(const char *what) {
  std::string s(what);
  return s.substr(0, s.find('\n'));
}

#if GRADLAWS_TORCH_GLOO
/// One rank: join the group, run the step, send "1" and the gradients, or "0" and the error.
[[noreturn]] void run_rank(int rank, int world, const std::string &store, int seconds, int fd,
                           const std::function<std::vector<double>(int, ::c10d::ProcessGroup &)> &fn) {
  char ok = 1;
  std::vector<double> out;
  std::string message;
  try {
    auto file = c10::make_intrusive<::c10d::FileStore>(store, world);
    auto options = ::c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(seconds));
    options->devices.push_back(::c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    ::c10d::ProcessGroupGloo group(file, rank, world, options);
    out = fn(rank, group);
  } catch (const std::exception &e) {
    ok = 0;
    message = first_line(e.what());
  }
  write_all(fd, &ok, 1);
  if (ok) {
    const std::uint64_t n = out.size();
    write_all(fd, &n, sizeof n);
    write_all(fd, out.data(), n * sizeof(double));
  } else {
    write_all(fd, message.data(), message.size());
  }
  ::close(fd);
  ::_exit(ok ? 0 : 1);
}
#endif

/// Everything a rank wrote, read until it closes its end or the deadline passes.
bool read_until_closed(int fd, std::string &into, std::chrono::steady_clock::time_point deadline) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, int(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    into.append(buffer, std::size_t(n));
  }
}

/// A rank's message: its gradients, or the error it reported.
std::vector<double> decode(const std::string &message, int rank) {
  if (message.empty())
    throw error("replica rank " + std::to_string(rank) + " ended without a result (it crashed)");
  if (message[0] == 0)
    throw error("replica rank " + std::to_string(rank) + " failed: " + message.substr(1));
  std::uint64_t n = 0;
  if (message.size() < 1 + sizeof n) throw error("replica rank " + std::to_string(rank) + ": a short result");
  std::memcpy(&n, message.data() + 1, sizeof n);
  if (message.size() != 1 + sizeof n + n * sizeof(double))
    throw error("replica rank " + std::to_string(rank) + ": a short result");
  std::vector<double> out(n);
  std::memcpy(out.data(), message.data() + 1 + sizeof n, n * sizeof(double));
  return out;
}

} // namespace

std::vector<std::vector<double>>
run_on_ranks(int world, const std::function<std::vector<double>(int, ::c10d::ProcessGroup &)> &rank,
             int seconds) {
#if !GRADLAWS_TORCH_GLOO
  (void)world, (void)rank, (void)seconds;
  throw unsupported_rung_error("real replicas need libtorch's Gloo headers (libgloo-dev: "
                               "scripts/install-deps --torch), absent when gradlaws was built");
#else
  if (world < 1) throw dimension_error("a data-parallel step needs at least one rank");
  static std::atomic<int> calls{0};
  const std::string store = "/tmp/gradlaws-replicas-" + std::to_string(::getpid()) + "-" +
                            std::to_string(calls++);
  ::unlink(store.c_str());
  std::vector<pid_t> children;
  std::vector<int> pipes;
  for (int r = 0; r < world; ++r) {
    int fds[2];
    if (::pipe(fds) != 0) throw error("replicas: cannot create a pipe");
    std::cout.flush();
    const pid_t pid = ::fork();
    if (pid < 0) throw error("replicas: cannot start rank " + std::to_string(r));
    if (pid == 0) {
      ::close(fds[0]);
      for (int fd : pipes) ::close(fd);
      run_rank(r, world, store, seconds, fds[1], rank);
    }
    ::close(fds[1]);
    children.push_back(pid);
    pipes.push_back(fds[0]);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds + 5);
  std::vector<std::string> messages(static_cast<std::size_t>(world));
  bool in_time = true;
  for (int r = 0; r < world; ++r) in_time = read_until_closed(pipes[r], messages[r], deadline) && in_time;
  for (std::size_t r = 0; r < children.size(); ++r) {
    if (!in_time) ::kill(children[r], SIGKILL);
    int status = 0;
    ::waitpid(children[r], &status, 0);
    ::close(pipes[r]);
  }
  ::unlink(store.c_str());
  if (!in_time)
    throw error("the " + std::to_string(world) + " replicas did not finish within " +
                std::to_string(seconds) + " s (a rank waiting in a collective the others never "
                "reached?)");
  std::vector<std::vector<double>> out;
  for (int r = 0; r < world; ++r) out.push_back(decode(messages[std::size_t(r)], r));
  return out;
#endif
}

std::vector<double> agreed_gradient(const std::vector<std::vector<double>> &per_rank) {
  if (per_rank.empty()) throw dimension_error("no replica returned a gradient");
  for (std::size_t r = 1; r < per_rank.size(); ++r)
    if (per_rank[r] != per_rank[0]) {
      std::size_t k = 0;
      while (k < per_rank[r].size() && k < per_rank[0].size() && per_rank[r][k] == per_rank[0][k]) ++k;
      throw error("after the step, rank " + std::to_string(r) + "'s gradient differs from rank "
                  "0's (component " + std::to_string(k) + "): the replicas diverged, so no "
                  "single gradient was computed");
    }
  return per_rank[0];
}

} // namespace gradlaws::libtorch::detail
