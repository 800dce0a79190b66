// A tree over the in-memory backend with a few fake processes.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <utility>

#include "backend_memory.hpp"
#include "tree.hpp"

namespace fsched::test {

// A fake /proc: `outside` is every live process; a pin stays alive until
// its (pid, start time) is no longer there.
struct FakeProc {
  std::map<pid_t, ProcessInfo> outside;

  class Pin : public ProcessPin {
   public:
    Pin(const FakeProc& proc, ProcessInfo info) : proc_(proc), info_(info) {}
    const ProcessInfo& info() const override { return info_; }
    bool alive() const override {
      auto it = proc_.outside.find(info_.pid);
      return it != proc_.outside.end() && it->second.start_time == info_.start_time;
    }

   private:
    const FakeProc& proc_;
    ProcessInfo info_;
  };

  std::unique_ptr<ProcessPin> pin(pid_t pid) const {
    auto it = outside.find(pid);
    if (it == outside.end()) return nullptr;
    return std::make_unique<Pin>(*this, it->second);
  }
};

struct TreeFixture : FakeProc {
  MemoryBackend backend;
  Limits limits;
  std::unique_ptr<Tree> tree_ptr;
  Tree& tree;
  Cred root{0, 0, 1, {}};
  Cred user{9000, 9000, 2, {}};
  Cred other{9001, 9001, 3, {}};

  explicit TreeFixture(Limits l = {})
      : limits(l),
        tree_ptr(std::make_unique<Tree>(
            backend, [this](pid_t pid) { return pin(pid); }, limits)),
        tree(*tree_ptr) {
    std::vector<ProcessInfo> procs;
    for (pid_t pid : {100, 101, 102}) {
      outside[pid] = info(pid);
      procs.push_back(outside[pid]);
    }
    tree.load(procs);
  }
  static ProcessInfo info(pid_t pid, uid_t uid = 0, bool kthread = false) {
    ProcessInfo i;
    i.pid = pid;
    i.ppid = 1;
    i.start_time = 1000 + static_cast<std::uint64_t>(pid);
    i.uid = uid;
    i.gid = uid;
    i.kernel_thread = kthread;
    return i;
  }
  // A process of `uid` the tree has seen, in the host group.
  void spawn(pid_t pid, uid_t uid) {
    outside[pid] = info(pid, uid);
    tree.process_appeared(outside[pid], kHostGroup);
  }
  GroupId mk(GroupId parent, const char* name, const Cred* as = nullptr, mode_t mode = 0755) {
    GroupId id = 0;
    REQUIRE(tree.make_group(parent, name, mode, as ? *as : root, &id) == 0);
    return id;
  }
};

}  // namespace fsched::test
