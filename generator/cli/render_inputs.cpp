#include "cli/render_inputs.h"

#include <elf.h>
#include <fmt/format.h>
#include <link.h>

#include "out/git_library.h"

namespace lgtmgen::cli {

namespace {

// The GNU build id in the PT_NOTE segments of one loaded object, as hex; ""
// when it has none.
std::string BuildIdOf(const dl_phdr_info& info) {
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info.dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const auto* at = reinterpret_cast<const unsigned char*>(info.dlpi_addr + segment.p_vaddr);
    const unsigned char* end = at + segment.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const unsigned char* name = at + sizeof(ElfW(Nhdr));
      const unsigned char* desc = name + ((note->n_namesz + 3) & ~3U);
      if (desc + note->n_descsz > end) break;
      const bool gnu = note->n_namesz == 4 && std::string_view(reinterpret_cast<const char*>(name), 3) == "GNU";
      if (note->n_type == NT_GNU_BUILD_ID && gnu) {
        std::string hex;
        for (unsigned j = 0; j < note->n_descsz; ++j) hex += fmt::format("{:02x}", desc[j]);
        return hex;
      }
      at = desc + ((note->n_descsz + 3) & ~3U);
    }
  }
  return "";
}

int AddObject(dl_phdr_info* info, size_t, void* data) {
  auto* identity = static_cast<std::string*>(data);
  *identity += fmt::format("{} {}\n", info->dlpi_name, BuildIdOf(*info));
  return 0;
}

// Each part prefixed by its length: no two different lists give one text.
void Append(std::string& text, std::string_view part) {
  fmt::format_to(std::back_inserter(text), "{}:{}\n", part.size(), part);
}

}  // namespace

std::string ProgramIdentity(const out::FileSystem& fs) {
  std::string identity = std::string("lgtmgen ") + LGTMGEN_VERSION + "\n";
  dl_iterate_phdr(AddObject, &identity);
  const std::string binary = fs.Canonical("/proc/self/exe");
  if (const std::optional<out::FileStamp> s = binary.empty() ? std::nullopt : fs.Stamp(binary)) {
    identity += fmt::format("{} {} {} {} {}\n", binary, s->inode, s->size, s->mtime_ns, s->ctime_ns);
  }
  return identity;
}

std::string InputsDigest(const std::string& program, const SpecInput& input, const std::string& output,
                         const std::string& canonical_output) {
  std::string text;
  for (std::string_view part : {std::string_view(program), std::string_view(input.display_name),
                                std::string_view(input.dir), std::string_view(input.text), std::string_view(output),
                                std::string_view(canonical_output)}) {
    Append(text, part);
  }
  return out::GitBlobId(text);
}

namespace {

std::string ReadAnswer(const std::optional<std::string>& content) {
  return content ? out::GitBlobId(*content) : "-";
}

std::string LinkAnswer(bool link) { return link ? "yes" : "no"; }

}  // namespace

std::string AskAgain(const InputQuery& query, const out::FileSystem& fs) {
  if (query.kind == "read") return ReadAnswer(fs.Read(query.path));
  if (query.kind == "link") return LinkAnswer(fs.IsSymlink(query.path));
  return "";  // a question this version does not ask: never the recorded answer
}

std::optional<std::string> RecordingFileSystem::Read(const std::string& path) const {
  std::optional<std::string> content = base_.Read(path);
  queries_.push_back({"read", path, ReadAnswer(content)});
  return content;
}

bool RecordingFileSystem::IsDirectory(const std::string& path) const {
  complete_ = false;
  return base_.IsDirectory(path);
}

std::vector<std::string> RecordingFileSystem::List(const std::string& path) const {
  complete_ = false;
  return base_.List(path);
}

bool RecordingFileSystem::Exists(const std::string& path) const {
  complete_ = false;
  return base_.Exists(path);
}

bool RecordingFileSystem::IsSymlink(const std::string& path) const {
  const bool link = base_.IsSymlink(path);
  queries_.push_back({"link", path, LinkAnswer(link)});
  return link;
}

void RecordingFileSystem::Write(const std::string&, const std::string&, bool) {
  throw out::IoError("internal: loading a spec must not write");
}

void RecordingFileSystem::Remove(const std::string&, const std::string&) {
  throw out::IoError("internal: loading a spec must not remove");
}

}  // namespace lgtmgen::cli
