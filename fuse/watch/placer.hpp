// Puts processes where the placement rules say (the spec's "Placement
// rules"), through the tree like any move, so a rule can do nothing a
// root `mv` could not.
//
// Facts are read from /proc with no lock held; moves are made in batches
// under the tree's exclusive lock, so FUSE requests wait at most one batch
// while thousands of processes are placed at start or reload. Without
// rules every hook returns at once: an exec costs nothing then.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "placement_marks.hpp"
#include "placement_rules.hpp"
#include "proc_source.hpp"
#include "tree.hpp"

namespace fsched {

class Placer {
 public:
  struct Summary {
    std::size_t looked = 0;  // processes the rules were asked about
    std::size_t moved = 0;
    std::size_t failed = 0;
  };

  // `mu` guards `tree`; `flush` hands its entry changes on (called with
  // `mu` exclusive).
  Placer(Tree& tree, std::shared_mutex& mu, std::function<void()> flush,
         ProcSource& proc = proc_fs());

  // Puts `rules` in force (null: none) and applies them to every process
  // they may place: the start and every reload.
  Summary set_rules(std::shared_ptr<const RuleSet> rules);
  std::shared_ptr<const RuleSet> rules() const;
  // At start, who placed the processes a previous daemon left: as
  // `saved` says (placement_marks.hpp) for a process it names with the
  // same start time; otherwise a process in a guest group counts as placed
  // by hand (no one can tell whether a rule put it there).
  void adopt_existing(const SavedMarks& saved = {});
  // Processes that exec'd or changed uid, or that the watcher found with
  // no event (after an overrun): the rules in force, to each.
  Summary apply_to(const std::vector<pid_t>& pids);

 private:
  struct Target {
    pid_t pid;
    std::uint64_t start_time;
    const PlacementRule* rule;
  };
  // A process the rules moved: where from, and since when it lives.
  struct Moved {
    pid_t pid;
    std::uint64_t start_time;
    GroupId from;
  };
  Summary place(const RuleSet& rules, const std::vector<pid_t>& pids);
  std::vector<Target> targets_of(const RuleSet& rules, const std::vector<pid_t>& pids);
  void move_batch(const std::vector<Target>& batch, Summary& sum, std::vector<Moved>& moved);
  // The children of `moved` still in the group their parent left: forked
  // before the parent's move, and reported before it too (the parent's
  // uid or exec event in the same batch as their fork; or a start or
  // reload placing a parent that forks meanwhile), so the kernel and the
  // tree have them where the parent was born, and no event of theirs will
  // bring the rules to them.
  std::vector<pid_t> left_behind(const std::vector<Moved>& moved);

  Tree& tree_;
  std::shared_mutex& mu_;
  std::function<void()> flush_;
  ProcSource& proc_;
  mutable std::mutex rules_mu_;  // guards rules_ (the pointer; a RuleSet never changes)
  std::shared_ptr<const RuleSet> rules_;
  // Groups a rule could not make or move into, already logged: said once.
  std::mutex warned_mu_;
  std::vector<std::pair<GroupPath, int>> warned_;
};

}  // namespace fsched
