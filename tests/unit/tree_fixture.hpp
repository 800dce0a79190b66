// A tree over the in-memory backend with a few fake processes.
#pragma once

#include <map>

#include "backend_memory.hpp"
#include "tree.hpp"

namespace fsched::test {

struct TreeFixture {
  MemoryBackend backend;
  std::map<pid_t, ProcessInfo> outside;  // what the probe finds in "/proc"
  Tree tree{backend, [this](pid_t pid) -> std::optional<ProcessInfo> {
              auto it = outside.find(pid);
              if (it == outside.end()) return std::nullopt;
              return it->second;
            }};
  Cred root{0, 0, 1, {}};
  Cred user{9000, 9000, 2, {}};

  TreeFixture() {
    std::vector<ProcessInfo> procs;
    for (pid_t pid : {100, 101, 102}) procs.push_back(info(pid));
    tree.load(procs);
  }
  static ProcessInfo info(pid_t pid, uid_t uid = 0, bool kthread = false) {
    ProcessInfo i;
    i.pid = pid;
    i.start_time = 1000 + static_cast<std::uint64_t>(pid);
    i.uid = uid;
    i.gid = uid;
    i.kernel_thread = kthread;
    return i;
  }
  GroupId mk(GroupId parent, const char* name) {
    GroupId id = 0;
    REQUIRE(tree.make_group(parent, name, 0755, root, &id) == 0);
    return id;
  }
};

}  // namespace fsched::test
