// Guest objects through libbpf: one bpf_object per check or instance,
// opened from the bytes the daemon keeps (a loaded guest is its file).
#include "guest_object.hpp"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

#include <cerrno>
#include <cstring>

namespace fsched::scx {
namespace {

struct ObjectDeleter {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};
struct LinkDeleter {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
using ObjectPtr = std::unique_ptr<bpf_object, ObjectDeleter>;

constexpr std::size_t kLogSize = 1 << 20;

// Opens the image; `log` (if given) receives the kernel's verifier log at
// load time.
Result<ObjectPtr> open_image(std::string_view elf, std::string* log) {
  if (elf.size() < 4 || std::memcmp(elf.data(), "\177ELF", 4) != 0)
    return make_error(EINVAL, "not an ELF object (compile the guest with `fsched guest build`)");
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "guest");
  if (log) {
    log->assign(kLogSize, '\0');
    opts.kernel_log_buf = log->data();
    opts.kernel_log_size = log->size();
    opts.kernel_log_level = 1;
  }
  bpf_object* obj = bpf_object__open_mem(elf.data(), elf.size(), &opts);
  if (!obj) {
    int e = errno ? errno : EINVAL;
    return make_error(EINVAL, std::string("not a BPF object libbpf can open: ") + std::strerror(e));
  }
  return ObjectPtr(obj);
}

bpf_map* struct_ops_map(bpf_object* obj) {
  bpf_map* map;
  bpf_map* found = nullptr;
  bpf_object__for_each_map(map, obj) {
    if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) found = map;
  }
  return found;
}

// Byte offset of `member` in the struct type `type_id` of `btf`, or -1.
long member_offset(const btf* b, int type_id, const char* member) {
  const btf_type* t = btf__type_by_id(b, type_id);
  if (!t || !btf_is_struct(t)) return -1;
  const btf_member* m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); ++i, ++m)
    if (std::strcmp(btf__name_by_offset(b, m->name_off), member) == 0)
      return btf_member_bit_offset(t, i) / 8;
  return -1;
}

// The cid-form struct_ops of the object, or why it is not a guest.
Result<bpf_map*> guest_ops(bpf_object* obj) {
  bpf_map* ops = struct_ops_map(obj);
  if (!ops) return make_error(EINVAL, "no sched_ext struct_ops in the object (SEC(\".struct_ops.link\"))");
  const btf* b = bpf_object__btf(obj);
  const btf_type* t = b ? btf__type_by_id(b, bpf_map__btf_value_type_id(ops)) : nullptr;
  std::string type = t ? btf__name_by_offset(b, t->name_off) : "";
  if (type == "sched_ext_ops")
    return make_error(EINVAL,
                      "a cpu-form scheduler (struct sched_ext_ops): a guest must be cid-form "
                      "(struct sched_ext_ops_cid, see bpf/guests/fsched_guest.h)");
  if (type != "sched_ext_ops_cid")
    return make_error(EINVAL, "its struct_ops is a " + (type.empty() ? "?" : type) +
                                  ", not a sched_ext scheduler");
  return ops;
}

// The last lines of a verifier log: the kernel's reason.
std::string log_tail(const std::string& log) {
  std::string s(log.c_str());
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::size_t cut = s.size();
  for (int lines = 0; lines < 6 && cut != std::string::npos && cut > 0; ++lines)
    cut = s.rfind('\n', cut - 1);
  return cut == std::string::npos ? s : s.substr(cut + 1);
}

// Offset and size of `.rodata` global `name` in the object's BTF.
bool rodata_var(const btf* b, std::string_view name, std::uint32_t* off, std::uint32_t* size) {
  int id = btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC);
  if (id < 0) return false;
  const btf_type* sec = btf__type_by_id(b, id);
  const btf_var_secinfo* vi = btf_var_secinfos(sec);
  for (int i = 0; i < btf_vlen(sec); ++i, ++vi) {
    const btf_type* var = btf__type_by_id(b, vi->type);
    if (name == btf__name_by_offset(b, var->name_off)) {
      *off = vi->offset;
      *size = vi->size;
      return true;
    }
  }
  return false;
}

}  // namespace

Result<GuestObject> inspect_guest(std::string_view elf) {
  auto obj = open_image(elf, nullptr);
  if (!obj) return obj.error();
  auto ops = guest_ops(obj->get());
  if (!ops) return ops.error();
  GuestObject info;
  std::size_t size = 0;
  const char* data = static_cast<const char*>(bpf_map__initial_value(*ops, &size));
  const btf* b = bpf_object__btf(obj->get());
  long off = member_offset(b, bpf_map__btf_value_type_id(*ops), "name");
  if (data && off >= 0 && static_cast<std::size_t>(off) < size)
    info.ops_name.assign(data + off, strnlen(data + off, size - off));
  bpf_map* map;
  bpf_object__for_each_map(map, obj->get()) {
    std::string_view n = bpf_map__name(map);
    if (n.size() < 7 || n.substr(n.size() - 7) != ".rodata") continue;
    std::size_t rsize = 0;
    const char* rdata = static_cast<const char*>(bpf_map__initial_value(map, &rsize));
    int id = btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC);
    if (!rdata || id < 0) break;
    const btf_type* sec = btf__type_by_id(b, id);
    const btf_var_secinfo* vi = btf_var_secinfos(sec);
    for (int i = 0; i < btf_vlen(sec); ++i, ++vi) {
      const btf_type* var = btf__type_by_id(b, vi->type);
      if (vi->offset + vi->size > rsize || vi->size > 8) continue;
      std::uint64_t v = 0;
      std::memcpy(&v, rdata + vi->offset, vi->size);  // little endian
      info.knobs.emplace_back(btf__name_by_offset(b, var->name_off), v);
    }
    break;
  }
  return info;
}

Status verify_guest(std::string_view elf) {
  std::string log;
  auto obj = open_image(elf, &log);
  if (!obj) return obj.error();
  if (auto ops = guest_ops(obj->get()); !ops) return ops.error();
  if (int e = bpf_object__load(obj->get())) {
    std::string tail = log_tail(log);
    return make_error(EINVAL, std::string("the kernel refused it (") + std::strerror(-e) + ")" +
                                  (tail.empty() ? "" : ":\n" + tail));
  }
  return Ok{};
}

Result<std::string> set_guest_knob(std::string_view elf, std::string_view knob,
                                   std::uint64_t value) {
  auto obj = open_image(elf, nullptr);
  if (!obj) return obj.error();
  std::uint32_t off = 0, size = 0;
  if (!rodata_var(bpf_object__btf(obj->get()), knob, &off, &size) || size > 8)
    return make_error(EINVAL, "no knob '" + std::string(knob) +
                                  "' (a `const volatile` integer global) in the object");
  if (size < 8 && value >> (size * 8))
    return make_error(ERANGE, "knob '" + std::string(knob) + "' holds " + std::to_string(size) +
                                  " bytes; " + std::to_string(value) + " does not fit");
  // The knob's initial value lives in the ELF's .rodata section: patch it.
  std::string out(elf);
  elf_version(EV_CURRENT);
  Elf* e = elf_memory(out.data(), out.size());
  if (!e) return make_error(EINVAL, "not an ELF object");
  std::size_t shstrndx = 0;
  long file_off = -1;
  if (elf_getshdrstrndx(e, &shstrndx) == 0) {
    for (Elf_Scn* scn = elf_nextscn(e, nullptr); scn; scn = elf_nextscn(e, scn)) {
      GElf_Shdr sh;
      if (!gelf_getshdr(scn, &sh)) continue;
      const char* n = elf_strptr(e, shstrndx, sh.sh_name);
      if (n && std::strcmp(n, ".rodata") == 0 && off + size <= sh.sh_size) {
        file_off = static_cast<long>(sh.sh_offset + off);
        break;
      }
    }
  }
  elf_end(e);
  if (file_off < 0 || static_cast<std::size_t>(file_off) + size > out.size())
    return make_error(EINVAL, "the object has no .rodata section holding '" + std::string(knob) + "'");
  std::memcpy(out.data() + file_off, &value, size);  // little endian
  return out;
}

struct GuestLink::Impl {
  ObjectPtr obj;
  std::unique_ptr<bpf_link, LinkDeleter> link;
};

GuestLink::GuestLink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GuestLink::~GuestLink() {
  impl_->link.reset();
}

Result<std::unique_ptr<GuestLink>> GuestLink::attach(std::string_view elf, std::uint64_t cgid) {
  auto impl = std::make_unique<Impl>();
  auto obj = open_image(elf, nullptr);
  if (!obj) return obj.error();
  impl->obj = std::move(obj.value());
  auto ops = guest_ops(impl->obj.get());
  if (!ops) return ops.error();
  std::size_t size = 0;
  char* data = static_cast<char*>(bpf_map__initial_value(*ops, &size));
  long off = member_offset(bpf_object__btf(impl->obj.get()), bpf_map__btf_value_type_id(*ops),
                           "sub_cgroup_id");
  if (!data || off < 0 || static_cast<std::size_t>(off) + sizeof cgid > size)
    return make_error(EINVAL, "the object's struct_ops has no sub_cgroup_id");
  std::memcpy(data + off, &cgid, sizeof cgid);
  if (int e = bpf_object__load(impl->obj.get()))
    return make_error(EINVAL, std::string("the kernel refused the guest: ") + std::strerror(-e));
  impl->link.reset(bpf_map__attach_struct_ops(*ops));
  if (!impl->link) {
    int e = errno ? errno : EIO;
    return make_error(e, std::string("the kernel refused to attach the guest: ") +
                             std::strerror(e));
  }
  return std::unique_ptr<GuestLink>(new GuestLink(std::move(impl)));
}

}  // namespace fsched::scx
