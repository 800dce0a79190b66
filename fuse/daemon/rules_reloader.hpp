// The rules file's life in the daemon: which file (`-o rules=`), the first
// placement once the tree is served, and SIGHUP (`systemctl reload`)
// rereading it. A file with any error is refused whole and the rules in
// force stay, so a typo never moves a machine's processes back into 0.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "placement_rules.hpp"
#include "placer.hpp"
#include "result.hpp"
#include "unique_fd.hpp"

namespace fsched {

inline constexpr const char* kDefaultRulesFile = "/etc/fsched/rules";

// What `-o rules=` names: a file, "none", or (empty) the default file when
// it exists.
struct RulesSource {
  std::string path;       // empty: no rules
  bool required = false;  // named by the admin: its absence is an error

  static RulesSource from_option(const std::string& option);
  // The rules it holds now; none (null) for no file.
  Result<std::shared_ptr<const RuleSet>> load() const;
};

// SIGHUP must be blocked in every thread before any is started, so the
// signal waits for this one's signalfd instead of ending the daemon
// (libfuse's own handler would).
void block_reload_signal();

class RulesReloader {
 public:
  RulesReloader(RulesSource source, std::shared_ptr<const RuleSet> initial, Placer& placer);
  ~RulesReloader() { stop(); }
  RulesReloader(const RulesReloader&) = delete;
  RulesReloader& operator=(const RulesReloader&) = delete;

  // Places every process by the initial rules, then waits for SIGHUP.
  void start();
  void stop();
  // One reload, as SIGHUP makes it; true when the file was taken.
  bool reload();

 private:
  void loop();
  void put_in_force(std::shared_ptr<const RuleSet> rules, const char* why);

  RulesSource source_;
  std::shared_ptr<const RuleSet> initial_;
  Placer& placer_;
  UniqueFd signal_fd_;
  UniqueFd wake_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace fsched
