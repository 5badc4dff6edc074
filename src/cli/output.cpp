#include "output.hpp"
#include "options.hpp"

#include <gradlaws/error.hpp>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gradlaws::cli {

namespace {

// The temporary files a signal removes. The handler may read only what is async-signal-safe:
// fixed buffers, each published by its flag after its path is written.
constexpr std::size_t max_pending = 4;
std::array<std::array<char, PATH_MAX>, max_pending> pending_paths;
volatile std::sig_atomic_t pending_used[max_pending] = {};
volatile pid_t pending_owner = 0;
constexpr std::array<int, 3> cleanup_signals{SIGINT, SIGTERM, SIGHUP};
std::array<struct sigaction, 3> previous_actions;
std::size_t pending_count = 0;

extern "C" void remove_pending_then_end(int sig) {
  if (::getpid() == pending_owner) // not a forked child
    for (std::size_t i = 0; i < max_pending; ++i)
      if (pending_used[i]) ::unlink(pending_paths[i].data());
  ::signal(sig, SIG_DFL);
  ::raise(sig); // acts when the handler returns: the process ends as the signal says
}

void handle_signals() {
  pending_owner = ::getpid();
  for (std::size_t k = 0; k < cleanup_signals.size(); ++k) {
    struct sigaction handler{};
    handler.sa_handler = remove_pending_then_end;
    sigemptyset(&handler.sa_mask);
    sigaction(cleanup_signals[k], nullptr, &previous_actions[k]);
    if (previous_actions[k].sa_handler != SIG_IGN) // nohup's SIGHUP stays ignored
      sigaction(cleanup_signals[k], &handler, nullptr);
  }
}

void restore_signals() {
  for (std::size_t k = 0; k < cleanup_signals.size(); ++k)
    sigaction(cleanup_signals[k], &previous_actions[k], nullptr);
}

/// Makes `path` one that a signal removes; returns its slot.
std::size_t add_pending(const std::string &path) {
  if (path.size() >= PATH_MAX) throw error("the path '" + path + "' is too long");
  for (std::size_t i = 0; i < max_pending; ++i)
    if (!pending_used[i]) {
      if (pending_count++ == 0) handle_signals();
      std::memcpy(pending_paths[i].data(), path.c_str(), path.size() + 1);
      pending_used[i] = 1;
      return i;
    }
  throw error("more than 4 files written at once"); // a bug: gradlaws writes two at most
}

void drop_pending(const std::string &path) {
  for (std::size_t i = 0; i < max_pending; ++i)
    if (pending_used[i] && path == pending_paths[i].data()) {
      pending_used[i] = 0;
      if (--pending_count == 0) restore_signals();
    }
}

[[noreturn]] void refuse(const std::string &path, const std::string &reason) {
  throw usage_error("cannot write the report to '" + path + "': " + reason,
                    "choose a path that can be written with --out FILE");
}

/// The permissions a new file gets from this process: 0666 less the umask.
mode_t new_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

} // namespace

staged_file::staged_file(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path_, ec);
  mode_t mode = new_file_mode();
  target_ = path_;
  if (fs::exists(st)) {
    if (fs::is_directory(st)) refuse(path_, "it is a directory");
    if (!fs::is_regular_file(st)) { // a device or a pipe: written in place
      file_.open(path_);
      if (!file_) refuse(path_, std::strerror(errno));
      return;
    }
    if (::access(path_.c_str(), W_OK) != 0) refuse(path_, std::strerror(errno));
    mode = static_cast<mode_t>(st.permissions() & fs::perms::mask);
    if (fs::is_symlink(fs::symlink_status(path_, ec))) target_ = fs::canonical(path_).string();
  }
  const fs::path target(target_);
  const std::string hidden = "." + target.filename().string() + ".partial-XXXXXX";
  std::string temp = (target.parent_path() / hidden).string();
  {
    const signals_held held; // a signal meanwhile would leave the file behind
    const int fd = ::mkstemp(temp.data());
    const std::string why = std::strerror(errno);
    if (fd < 0 && fs::exists(st)) // the file is writable, its directory is not
      refuse(path_, "no file can be made beside it to replace it with: " + why);
    if (fd < 0) refuse(path_, why);
    (void)::fchmod(fd, mode);
    ::close(fd);
    try {
      add_pending(temp);
    } catch (...) {
      ::unlink(temp.c_str());
      throw;
    }
  }
  temp_ = temp;
  file_.open(temp_, std::ios::trunc);
  if (!file_) {
    const int e = errno;
    ::unlink(temp_.c_str());
    drop_pending(temp_);
    refuse(path_, std::strerror(e));
  }
}

staged_file::~staged_file() {
  if (committed_ || temp_.empty()) return;
  file_.close();
  ::unlink(temp_.c_str());
  drop_pending(temp_);
}

void staged_file::fail() const {
  throw error("cannot write the report to '" + path_ + "': " + std::strerror(errno));
}

void staged_file::write(const std::string &text) {
  file_ << text;
  if (!file_) fail();
}

void staged_file::commit() {
  file_.flush();
  if (!file_) fail();
  file_.close();
  if (!file_) fail();
  if (!temp_.empty()) {
    if (std::rename(temp_.c_str(), target_.c_str()) != 0) fail();
    drop_pending(temp_);
  }
  committed_ = true;
}

signals_held::signals_held() {
  sigset_t held;
  sigemptyset(&held);
  for (const int s : cleanup_signals) sigaddset(&held, s);
  sigprocmask(SIG_BLOCK, &held, &previous_);
}

signals_held::~signals_held() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }

void open_standard_streams() {
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      // The lowest free descriptor: fd itself, as those below it are open.
      const int opened = ::open("/dev/null", O_RDWR);
      if (opened >= 0 && opened != fd) ::close(opened);
    }
}

} // namespace gradlaws::cli
