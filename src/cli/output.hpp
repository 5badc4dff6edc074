#pragma once
// The files the command line writes (the report and its HTML page). Each is written to a
// temporary file beside its path and renamed into place once it is complete, so that a run
// that fails or is interrupted (SIGINT, SIGTERM, SIGHUP, a worker that dies) leaves the
// previous file as it was and no temporary file behind.

#include <csignal>
#include <fstream>
#include <string>

namespace gradlaws::cli {

class staged_file {
public:
  /// Opens a temporary file beside `path` (beside its target, when `path` is a symbolic link);
  /// when `path` exists and is not a regular file (/dev/null, a pipe), `path` itself, to be
  /// written in place. Throws usage_error naming the path and the reason when it cannot be
  /// written (a missing directory, a directory, a file without write permission). While the
  /// temporary file exists, SIGINT, SIGTERM and SIGHUP remove it before they end the process.
  explicit staged_file(std::string path);
  staged_file(const staged_file &) = delete;
  staged_file &operator=(const staged_file &) = delete;
  /// Removes the temporary file unless it was committed.
  ~staged_file();

  /// False when `path` exists and is not a regular file: it is written in place, and nothing
  /// that goes beside a report (pictures, the HTML page) goes beside it.
  bool regular() const { return !temp_.empty(); }
  const std::string &path() const { return path_; }

  /// Appends `text`; throws gradlaws::error naming the path when it cannot be written.
  void write(const std::string &text);
  /// Renames the temporary file into place (or flushes a file written in place); throws
  /// gradlaws::error naming the path when the text could not be written.
  void commit();

private:
  [[noreturn]] void fail() const;

  std::string path_, target_, temp_;
  std::ofstream file_;
  bool committed_ = false;
};

/// While it lives, SIGINT, SIGTERM and SIGHUP wait, so that the last steps of a report (its
/// pictures and the renames) are done together; a signal that came meanwhile acts after.
class signals_held {
public:
  signals_held();
  signals_held(const signals_held &) = delete;
  signals_held &operator=(const signals_held &) = delete;
  ~signals_held();

private:
  sigset_t previous_{};
};

/// Opens /dev/null on each of the descriptors 0, 1 and 2 that is closed, so that no file the
/// command line opens takes one of them: with stderr closed, the report file would become
/// descriptor 2 and progress lines would be written into it.
void open_standard_streams();

} // namespace gradlaws::cli
