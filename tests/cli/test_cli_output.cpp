// What a run leaves behind: the report replaced only when complete (never by an interrupted or
// failed run, never with progress lines in it), nothing written beside a device, a worker that
// dies or stops named with its variant; one bound for the digits and RC_PARAMS checked by key;
// --seed honoured by rates, sweep and gallery --seeds; progress lines when asked.

#include "cli.hpp"
#include "cli_support.hpp"

#include <gradlaws/catalogue.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using cli_support::run;
using cli_support::slurp;

/// Plants a catalogue entry in this (forked) process only: a fallacy named first in the
/// catalogue's order, with one variant `how`: "aborts", "stops" (SIGSTOP), "sleeps" (forever)
/// or "naps" (2.5 s, then a law's pass).
void plant(const std::string &how) {
  gradlaws::entry e;
  e.name = "aaa_planted";
  e.kind = gradlaws::entry_kind::fallacy;
  e.claim = "a planted entry";
  e.formula = "x = x";
  e.variants = [how] { return std::vector<std::string>{how}; };
  e.run = [](const std::string &v, const gradlaws::run_options &) {
    if (v == "aborts") std::abort();
    if (v == "stops") ::raise(SIGSTOP);
    if (v == "sleeps")
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    gradlaws::run_result r;
    r.entry = "aaa_planted";
    r.variant = v;
    r.status = gradlaws::run_status::held;
    r.passed = true;
    r.cases = 1;
    return r;
  };
  gradlaws::register_entry(std::move(e));
}

struct child_run {
  int status = -1; ///< the exit status, or -1 when a signal ended it
  int signal = 0;
  std::string out, err;
};

/// Runs `body` in a forked child, so that what it plants or closes stays there, with streams
/// that come back through files; `meanwhile(pid)` runs here while it does.
child_run in_child(const std::function<int(std::ostream &out, std::ostream &err)> &body,
                   const std::function<void(pid_t)> &meanwhile = {}) {
  const std::string base = testing::TempDir() + "gradlaws-child-" + std::to_string(::getpid());
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::ostringstream out, err;
    const int status = body(out, err);
    std::ofstream(base + ".out") << out.str();
    std::ofstream(base + ".err") << err.str();
    std::_Exit(status);
  }
  if (meanwhile) meanwhile(pid);
  int st = 0;
  ::waitpid(pid, &st, 0);
  child_run r;
  if (WIFEXITED(st)) r.status = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) r.signal = WTERMSIG(st);
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

/// The command line run on `args` in a child in which `how` is planted.
child_run planted(const std::string &how, const std::vector<std::string> &args,
                  const std::function<void(pid_t)> &meanwhile = {}) {
  return in_child(
      [&](std::ostream &out, std::ostream &err) {
        plant(how);
        return gradlaws::cli::run(args, out, err);
      },
      meanwhile);
}

/// An empty directory of its own for a test.
fs::path fresh_dir(const std::string &name) {
  const fs::path dir = fs::path(testing::TempDir()) / ("gradlaws-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// The names in `dir`, sorted.
std::vector<std::string> names_in(const fs::path &dir) {
  std::vector<std::string> names;
  for (const auto &f : fs::directory_iterator(dir)) names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

const std::string previous = "the previous report\n";

TEST(Cli, AnInterruptedReportKeepsThePreviousOneAndLeavesNothingBehind) {
  for (const int sig : {SIGINT, SIGTERM}) {
    const fs::path dir = fresh_dir("interrupted");
    std::ofstream(dir / "report.md") << previous;
    const auto r = planted(
        "sleeps",
        {"report", "--kind", "fallacy", "--cases", "20", "--jobs", "2", "--html", "--out",
         (dir / "report.md").string()},
        [&](pid_t pid) {
          // Once the report is being written (its temporary file exists), interrupt it.
          for (int tries = 0; tries < 1000 && names_in(dir).size() < 3; ++tries)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          ::kill(pid, sig);
        });
    EXPECT_EQ(r.signal, sig) << r.err;
    EXPECT_EQ(slurp((dir / "report.md").string()), previous);
    EXPECT_EQ(names_in(dir), std::vector<std::string>{"report.md"}) << "signal " << sig;
    fs::remove_all(dir);
  }
}

TEST(Cli, AWorkerThatDiesFailsTheReportNamingItsVariant) {
  const fs::path dir = fresh_dir("worker-died");
  std::ofstream(dir / "report.md") << previous;
  const auto r = planted("aborts", {"report", "--kind", "fallacy", "--cases", "20", "--jobs", "2",
                                    "--out", (dir / "report.md").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("gradlaws: the worker process running aaa_planted [aborts] stopped "
                       "before it finished: it was killed by signal 6 (Aborted)\n"),
            std::string::npos) << r.err;
  EXPECT_EQ(slurp((dir / "report.md").string()), previous);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"report.md"});
  fs::remove_all(dir);
}

TEST(Cli, AStoppedWorkerDoesNotMakeTheReportWaitForever) {
  const fs::path dir = fresh_dir("worker-stopped");
  std::ofstream(dir / "report.md") << previous;
  const auto start = std::chrono::steady_clock::now();
  const auto r = planted("stops", {"report", "--kind", "fallacy", "--cases", "20", "--jobs", "2",
                                   "--timeout", "1", "--out", (dir / "report.md").string()});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 60);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("gradlaws: aaa_planted [stops] did not finish within 1 s: its worker "
                       "process was killed (--timeout: 1 s)\n"), std::string::npos) << r.err;
  EXPECT_EQ(slurp((dir / "report.md").string()), previous);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"report.md"});
  fs::remove_all(dir);
  // Past its deadline in `check` too, which runs one variant after another in one worker.
  const auto c = planted("sleeps", {"check", "aaa_planted", "--timeout", "1"});
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.err.find("aaa_planted [sleeps] did not finish within 1 s"), std::string::npos)
      << c.err;
}

TEST(Cli, WithStderrClosedProgressStaysOutOfTheReport) {
  const fs::path dir = fresh_dir("stderr-closed");
  const std::vector<std::string> args{"report", "--kind", "fallacy", "--cases", "20",
                                      "--no-timings", "--jobs", "2", "--out"};
  auto closed = args, open = args;
  closed.push_back((dir / "closed.md").string());
  open.push_back((dir / "open.md").string());
  const auto r = in_child([&](std::ostream &out, std::ostream &) {
    ::close(STDERR_FILENO);
    return gradlaws::cli::run(closed, out, std::cerr);
  });
  EXPECT_EQ(r.status, 0) << r.out;
  const auto normal = run(open);
  EXPECT_NE(normal.err.find("[  1/"), std::string::npos);
  const std::string report = slurp((dir / "closed.md").string());
  EXPECT_EQ(report.find("[  1/"), std::string::npos) << "progress landed in the report";
  // The same report, byte for byte, but for the pictures' directory it names.
  EXPECT_EQ(std::regex_replace(report, std::regex("closed-pictures"), "open-pictures"),
            slurp((dir / "open.md").string()));
  fs::remove_all(dir);
}

TEST(Cli, ADeviceAsOutGetsTheReportAndNothingBesideIt) {
  if (fs::is_directory("/dev/null-pictures")) fs::remove_all("/dev/null-pictures");
  const auto r = run({"report", "--kind", "fallacy", "--cases", "20", "--out", "/dev/null"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("report written to /dev/null (not a regular file: no pictures)\n"),
            std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists("/dev/null-pictures"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(Cli, AFullDeviceFailsTheReportAndLeavesNothingBehind) {
  if (fs::is_regular_file("/dev/full.html")) fs::remove("/dev/full.html");
  const auto html = run({"report", "--out", "/dev/full", "--html"});
  EXPECT_EQ(html.status, 2);
  EXPECT_EQ(html.err, "gradlaws: --html writes its page beside the report, as '/dev/full.html', "
                      "and '/dev/full' is not a regular file\nhint: give --out the path of a "
                      "regular file, or leave --html out\n");
  EXPECT_FALSE(fs::exists("/dev/full.html"));
  const auto md = run({"report", "--kind", "fallacy", "--cases", "20", "--out", "/dev/full"});
  EXPECT_EQ(md.status, 2);
  EXPECT_NE(md.err.find("gradlaws: cannot write the report to '/dev/full': No space left on "
                        "device\n"), std::string::npos) << md.err;
  EXPECT_FALSE(fs::exists("/dev/full-pictures"));
}

TEST(Cli, AReportReplacesItsFileWholeKeepingItsModeAndItsLink) {
  const fs::path dir = fresh_dir("replace");
  std::ofstream(dir / "real.md") << previous;
  fs::permissions(dir / "real.md", fs::perms(0640));
  fs::create_symlink("real.md", dir / "link.md");
  const auto r = run({"report", "--kind", "fallacy", "--cases", "20", "--out",
                      (dir / "link.md").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir / "link.md"));
  EXPECT_EQ(slurp((dir / "real.md").string()).rfind("# ", 0), 0u);
  EXPECT_EQ(fs::status(dir / "real.md").permissions() & fs::perms::mask, fs::perms(0640));
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"link-pictures", "link.md", "real.md"}));
  // A directory in the way is refused before any work, and leaves nothing behind either.
  fs::create_directories(dir / "page.html");
  const auto d = run({"report", "--html", "--out", (dir / "page.md").string()});
  EXPECT_EQ(d.status, 2);
  EXPECT_NE(d.err.find("page.html': it is a directory"), std::string::npos) << d.err;
  EXPECT_EQ(names_in(dir),
            (std::vector<std::string>{"link-pictures", "link.md", "page.html", "real.md"}));
  fs::remove_all(dir);
}

/// Sets an environment variable for the lifetime of the scope.
class environment {
public:
  environment(const char *name, const char *value) : name_(name) { ::setenv(name, value, 1); }
  ~environment() { ::unsetenv(name_); }

private:
  const char *name_;
};

TEST(Cli, GradlawsDigitsAndDigitsShareOneRangeAndOneReason) {
  const std::string why = "the high rung confirms each verdict at D + 25 digits, and MPFR's "
                          "precision stops at 100000";
  {
    const environment digits("GRADLAWS_DIGITS", "100000");
    const auto r = run({"check", "linearity", "--variant", "sigmoid_high", "--cases", "1"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "gradlaws: GRADLAWS_DIGITS needs a whole number in [10, 99975], got "
                     "'100000': " + why + "\n");
  }
  const auto flag = run({"check", "linearity", "--digits", "100000"});
  EXPECT_EQ(flag.status, 2);
  EXPECT_EQ(flag.err, "gradlaws: --digits needs a whole number in [10, 99975], got '100000'\n"
                      "hint: " + why + "\n");
  std::ostringstream err;
  EXPECT_EQ(gradlaws::cli::check_arguments({"check", "linearity", "--digits", "99975"}, err), 0);
  const environment digits("GRADLAWS_DIGITS", "99975");
  EXPECT_EQ(gradlaws::cli::check_arguments({"check", "linearity"}, err), 0) << err.str();
}

TEST(Cli, RcParamsIsCheckedKeyByKeyBeforeAnyWork) {
  {
    const environment params("RC_PARAMS", "max_sucess=5");
    const auto r = run({"check", "linearity"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "gradlaws: unknown RC_PARAMS key 'max_sucess'\nhint: did you mean "
                     "'max_success'? (known: max_success, seed, max_size, noshrink, reproduce)\n");
  }
  for (const char *bad : {"=", "max_size=3", "max_success=2147483647", "verbose_shrinking=1"}) {
    const environment params("RC_PARAMS", bad);
    const auto r = run({"report", "--out", "/dev/null"});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(r.err.find("[  1/"), std::string::npos) << bad << ": entries ran";
    EXPECT_NE(r.err.find("RC_PARAMS"), std::string::npos) << r.err;
  }
}

/// "1/1" or "0/1" on derivative_at_mean [relu_exact]'s row of rates on one seed.
std::string rate_on(const std::vector<std::string> &args) {
  const auto r = run(args);
  const auto at = r.out.find("derivative_at_mean [relu_exact]");
  if (at == std::string::npos) return "no row: " + r.out + r.err;
  const auto line = r.out.substr(at, r.out.find('\n', at) - at);
  return line.substr(line.find_last_of(' ') + 1);
}

TEST(Cli, SeedIsTheFirstOfTheSeedsOfRatesSweepAndGallery) {
  // On each seed, rates finds what check finds on that seed.
  for (int seed = 5; seed <= 8; ++seed) {
    const auto check = run({"check", "derivative_at_mean", "--variant", "relu_exact", "--cases",
                            "2", "--seed", std::to_string(seed)});
    EXPECT_EQ(rate_on({"rates", "derivative_at_mean", "--cases", "2", "--seeds", "1", "--seed",
                       std::to_string(seed), "--no-timings"}),
              check.status == 0 ? "1/1" : "0/1") << "seed " << seed;
  }
  const auto rates = run({"rates", "derivative_at_mean", "--cases", "2", "--seeds", "2",
                          "--seed", "5", "--no-timings"});
  EXPECT_NE(rates.out.find("the share of seeds 5..6 on which"), std::string::npos) << rates.out;
  EXPECT_EQ(rates.err.find("seed 1:"), std::string::npos) << rates.err;
  const auto sweep =
      run({"sweep", "reduction_scale", "--seeds", "2", "--seed", "5", "--cases", "3"});
  EXPECT_NE(sweep.out.find(" × 2 seeds, 5..6): 0 false alarms\n"), std::string::npos) << sweep.out;
  const auto gallery = run({"gallery", "replica_sum_then_average", "--seeds", "2", "--seed", "9",
                            "--cases", "5"});
  EXPECT_NE(gallery.out.find("twin runs over seeds 9..10: 0 false alarms\n"), std::string::npos)
      << gallery.out;
  {
    const environment params("RC_PARAMS", "seed=6");
    EXPECT_NE(run({"rates", "derivative_at_mean", "--seeds", "1", "--cases", "2"})
                  .out.find("the share of seeds 6..6 on which"), std::string::npos);
  }
  const auto past = run({"rates", "--seed", "18446744073709551615", "--seeds", "2"});
  EXPECT_EQ(past.err, "gradlaws: 2 seeds from 18446744073709551615 run past the largest seed, "
                      "18446744073709551615\n"
                      "hint: give a --seed of at most 18446744073709551614\n");
  EXPECT_EQ(run({"sweep", "--seed", "18446744073709551615", "--seeds", "1", "--cases", "1",
                 "linearity"}).status, 0);
}

TEST(Cli, ProgressLinesWhenAskedAndOnlyThen) {
  const auto asked = planted("naps", {"check", "aaa_planted", "--progress", "1"});
  EXPECT_EQ(asked.status, 0) << asked.err;
  EXPECT_TRUE(std::regex_search(asked.err, std::regex("(^|\n)progress: 0 of 1 done after [0-9]+ s; "
                                                      "running aaa_planted \\[naps\\] \\([0-9]+ s\\)\n")))
      << asked.err;
  const auto quiet = planted("naps", {"check", "aaa_planted"});
  EXPECT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out, asked.out);
  EXPECT_EQ(run({"gallery", "--progress", "1"}).status, 2); // the kill matrix is one process
}

} // namespace
