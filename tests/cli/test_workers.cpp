// The worker processes: results in item order, errors raised here; a worker that dies, stops or
// outlives its deadline is named with its item and never makes the parent wait forever.

#include "workers.hpp"

#include <gradlaws/error.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

using gradlaws::cli::item_output;
using gradlaws::cli::item_watch;
using gradlaws::cli::run_items;
using std::chrono::steady_clock;

/// The message of the gradlaws::error that run_items raises ("" when it raises none), and
/// how long it took.
struct raised {
  std::string message;
  double seconds = 0;
};

raised run_watched(std::size_t count, int jobs, const std::function<item_output(std::size_t)> &work,
                   const item_watch &watch) {
  const auto start = steady_clock::now();
  raised r;
  try {
    run_items(count, jobs, work, [](std::size_t, const item_output &) {}, watch);
  } catch (const gradlaws::error &e) {
    r.message = e.what();
  }
  r.seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  return r;
}

item_watch named_items() {
  item_watch w;
  w.name = [](std::size_t i) { return "entry [variant " + std::to_string(i) + "]"; };
  return w;
}

TEST(Workers, ResultsArriveInItemOrderWhateverFinishesFirst) {
  std::vector<std::size_t> order;
  std::string joined;
  gradlaws::cli::run_items(
      7, 3,
      [](std::size_t i) -> gradlaws::cli::item_output {
        // Early items are the slow ones; a large output crosses the pipe's buffer.
        volatile double sink = 0;
        for (long k = 0; k < long(7 - i) * 2'000'000; ++k) sink = sink + 1;
        return {std::to_string(i), std::string(100'000 + i, char('a' + i))};
      },
      [&](std::size_t i, const gradlaws::cli::item_output &x) {
        order.push_back(i);
        joined += x[0];
        EXPECT_EQ(x[1].size(), 100'000 + i);
        EXPECT_EQ(x[1].front(), char('a' + i));
      });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(joined, "0123456");
}

TEST(Workers, AnErrorInAWorkerIsRaisedHereWithItsMessage) {
  std::size_t delivered = 0;
  try {
    gradlaws::cli::run_items(
        5, 2,
        [](std::size_t i) -> gradlaws::cli::item_output {
          if (i == 2) throw gradlaws::error("item 2 cannot be run");
          return {"fine"};
        },
        [&](std::size_t, const gradlaws::cli::item_output &) { ++delivered; });
    FAIL() << "no error raised";
  } catch (const gradlaws::error &e) {
    EXPECT_NE(std::string(e.what()).find("item 2 cannot be run"), std::string::npos) << e.what();
  }
  EXPECT_LE(delivered, 2u); // nothing after the failing item is delivered
}

TEST(Workers, AWorkerThatDiesIsNamedWithItsItemAndHowItEnded) {
  for (const int sig : {SIGKILL, SIGABRT, SIGSEGV}) {
    const raised r = run_watched(
        4, 2,
        [sig](std::size_t i) -> item_output {
          if (i == 1) ::raise(sig);
          return {"fine"};
        },
        named_items());
    EXPECT_NE(r.message.find("the worker process running entry [variant 1] stopped before it "
                             "finished: it was killed by signal " + std::to_string(sig)),
              std::string::npos) << r.message;
  }
  const raised exited = run_watched(
      3, 2,
      [](std::size_t i) -> item_output {
        if (i == 2) std::_Exit(7);
        return {"fine"};
      },
      {});
  EXPECT_NE(exited.message.find("running item 3 stopped before it finished: it exited with "
                                "status 7"), std::string::npos) << exited.message;
}

TEST(Workers, AStoppedWorkerIsKilledAtItsDeadlineNotWaitedForForever) {
  item_watch w = named_items();
  w.deadline = 1;
  w.deadline_note = " (a note)";
  const raised r = run_watched(
      3, 2,
      [](std::size_t i) -> item_output {
        if (i == 0) ::raise(SIGSTOP);
        return {"fine"};
      },
      w);
  EXPECT_EQ(r.message, "entry [variant 0] did not finish within 1 s: its worker process was "
                       "killed (a note)");
  EXPECT_LT(r.seconds, 30);
}

TEST(Workers, AnItemPastItsDeadlineIsKilledEvenOnOneProcess) {
  item_watch w = named_items();
  w.deadline = 0.5;
  const raised r = run_watched(
      2, 1,
      [](std::size_t i) -> item_output {
        if (i == 1)
          for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
        return {"fine"};
      },
      w);
  EXPECT_NE(r.message.find("entry [variant 1] did not finish within 0.5 s"), std::string::npos)
      << r.message;
  EXPECT_LT(r.seconds, 30);
}

TEST(Workers, ProgressLinesSayWhatIsDoneAndWhatRuns) {
  item_watch w = named_items();
  w.every = 0.2;
  std::vector<std::string> lines;
  w.progress = [&](const std::string &line) { lines.push_back(line); };
  std::vector<std::size_t> delivered;
  run_items(
      2, 1,
      [](std::size_t) -> item_output {
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        return {"done"};
      },
      [&](std::size_t i, const item_output &) { delivered.push_back(i); }, w);
  EXPECT_EQ(delivered, (std::vector<std::size_t>{0, 1}));
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(std::regex_match(lines.front(), std::regex("progress: 0 of 2 done after [0-9]+ s; "
                                                        "running entry \\[variant 0\\] \\([0-9]+ s\\)")))
      << lines.front();
  EXPECT_NE(lines.back().find("1 of 2 done"), std::string::npos) << lines.back();
}

TEST(Workers, DurationsReadAsAPersonWritesThem) {
  EXPECT_EQ(gradlaws::cli::duration_text(0.4), "0 s");
  EXPECT_EQ(gradlaws::cli::duration_text(59.9), "59 s");
  EXPECT_EQ(gradlaws::cli::duration_text(65), "1m05s");
  EXPECT_EQ(gradlaws::cli::duration_text(7385), "2h03m");
}

TEST(Workers, WorkersDieWithTheirParent) {
  // A parent process running a worker that never ends is killed; the worker must not outlive
  // it (it writes its process id to a file first).
  const std::string file = testing::TempDir() + "gradlaws-orphan-pid";
  std::remove(file.c_str());
  const pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    run_items(
        2, 2,
        [&](std::size_t i) -> item_output {
          if (i == 0) std::ofstream(file) << ::getpid() << "\n";
          for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
        },
        [](std::size_t, const item_output &) {});
    std::_Exit(0);
  }
  pid_t worker = 0;
  for (int tries = 0; tries < 500 && worker == 0; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ifstream(file) >> worker;
  }
  ::kill(parent, SIGKILL);
  int status = 0;
  ::waitpid(parent, &status, 0);
  ASSERT_GT(worker, 0) << "the worker never started";
  // Gone, or a zombie no one has reaped yet (a container's first process may reap nothing).
  const auto ended = [](pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const auto close = line.rfind(')');
    return close != std::string::npos && line.compare(close + 1, 3, " Z ") == 0;
  };
  bool gone = false;
  for (int tries = 0; tries < 500 && !gone; ++tries) {
    gone = ended(worker);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "worker " << worker << " outlived its parent";
  if (!gone) ::kill(worker, SIGKILL);
  std::remove(file.c_str());
}

} // namespace
