#include "cli/render_record.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace lgtmgen::cli {

namespace {

constexpr std::string_view kHeader = "lgtmgen render record 1\n";

bool IsFolder(const out::FileStamp& stamp) { return S_ISDIR(stamp.mode); }

// What a folder's stamp keeps: the same folder (not a link to another) with
// the same entries (its mtime: a file left by an interrupted run, or one the
// user added, makes the next render render, and clean up).
out::FileStamp FolderStamp(const out::FileStamp& stamp) { return {stamp.inode, 0, stamp.mtime_ns, 0, stamp.mode}; }

std::string PathOf(const std::string& dir, const std::string& rel) {
  return rel == "." ? dir : out::JoinPath(dir, rel);
}

// Reads the next line of text (without its newline) into line; false at the end.
bool NextLine(std::string_view& text, std::string_view& line) {
  const size_t end = text.find('\n');
  if (end == std::string_view::npos) return false;
  line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return true;
}

// Parses the next space-separated number of line into value.
template <typename Int>
bool NextNumber(std::string_view& line, Int& value) {
  const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), value);
  if (error != std::errc() || end == line.data() + line.size() || *end != ' ') return false;
  line.remove_prefix(static_cast<size_t>(end - line.data()) + 1);
  return true;
}

}  // namespace

size_t RenderRecord::Files() const {
  return static_cast<size_t>(
      std::count_if(stamps.begin(), stamps.end(), [](const auto& stamp) { return !IsFolder(stamp.second); }));
}

std::string RecordText(const RenderRecord& record) {
  std::string text(kHeader);
  text += fmt::format("inputs {}\n", record.inputs);
  for (const InputQuery& q : record.queries) {
    if (q.path.find('\n') != std::string::npos) return "";
    text += fmt::format("{} {} {}\n", q.kind, q.answer, q.path);
  }
  for (const auto& [path, s] : record.stamps) {
    if (path.find('\n') != std::string::npos) return "";
    fmt::format_to(std::back_inserter(text), "stamp {} {} {} {} {} {}\n", s.inode, s.size, s.mtime_ns, s.ctime_ns,
                   s.mode, path);
  }
  text += fmt::format("replay {}\n", record.replay.size());
  text += record.replay;
  return text;
}

std::optional<RenderRecord> ParseRecord(std::string_view text) {
  if (!text.starts_with(kHeader)) return std::nullopt;
  text.remove_prefix(kHeader.size());
  RenderRecord record;
  std::string_view line;
  if (!NextLine(text, line) || !line.starts_with("inputs ")) return std::nullopt;
  record.inputs = std::string(line.substr(7));
  while (NextLine(text, line)) {
    if (line.starts_with("read ") || line.starts_with("link ")) {
      const std::string kind(line.substr(0, 4));
      line.remove_prefix(5);
      const size_t space = line.find(' ');
      if (space == std::string_view::npos) return std::nullopt;
      record.queries.push_back({kind, std::string(line.substr(space + 1)), std::string(line.substr(0, space))});
    } else if (line.starts_with("stamp ")) {
      line.remove_prefix(6);
      out::FileStamp s;
      if (!NextNumber(line, s.inode) || !NextNumber(line, s.size) || !NextNumber(line, s.mtime_ns) ||
          !NextNumber(line, s.ctime_ns) || !NextNumber(line, s.mode) || line.empty()) {
        return std::nullopt;
      }
      record.stamps.emplace_back(std::string(line), s);
    } else if (line.starts_with("replay ")) {
      line.remove_prefix(7);
      size_t size = 0;
      if (std::from_chars(line.data(), line.data() + line.size(), size).ptr != line.data() + line.size() ||
          size != text.size()) {
        return std::nullopt;
      }
      record.replay = std::string(text);
      return record;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;  // no replay line: truncated
}

std::optional<std::vector<std::pair<std::string, out::FileStamp>>> StampOutput(
    const std::vector<std::string>& files, const std::string& dir,
    const std::map<std::string, out::FileStamp>& as_written, int64_t started_at, const out::FileSystem& fs) {
  std::vector<std::pair<std::string, out::FileStamp>> stamps;
  stamps.reserve(files.size() * 2);
  std::unordered_set<std::string> folders;
  auto add_folder = [&](const std::string& rel) {
    if (!folders.insert(rel).second) return true;
    const std::optional<out::FileStamp> stamp = fs.Stamp(PathOf(dir, rel));
    if (!stamp || !IsFolder(*stamp)) return false;
    stamps.emplace_back(rel, FolderStamp(*stamp));
    return true;
  };
  if (!add_folder(".")) return std::nullopt;
  for (const std::string& path : files) {
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      if (!add_folder(path.substr(0, slash))) return std::nullopt;
    }
    auto written = as_written.find(path);
    if (written != as_written.end() && S_ISREG(written->second.mode)) {
      stamps.emplace_back(path, written->second);
      continue;
    }
    const std::optional<out::FileStamp> stamp = fs.Stamp(out::JoinPath(dir, path));
    if (!stamp || !S_ISREG(stamp->mode) || stamp->mtime_ns >= started_at || stamp->ctime_ns >= started_at) {
      return std::nullopt;
    }
    stamps.emplace_back(path, *stamp);
  }
  return stamps;
}

bool StillHolds(const RenderRecord& record, const std::string& dir, int64_t sealed_at, const out::FileSystem& fs) {
  for (const InputQuery& query : record.queries) {
    if (AskAgain(query, fs) != query.answer) return false;
  }
  for (const auto& [path, recorded] : record.stamps) {
    const std::optional<out::FileStamp> now = fs.Stamp(PathOf(dir, path));
    if (!now) return false;
    if (IsFolder(recorded) ? FolderStamp(*now) != recorded : *now != recorded) return false;
    if (now->mtime_ns >= sealed_at || (!IsFolder(recorded) && now->ctime_ns >= sealed_at)) return false;
  }
  return true;
}

}  // namespace lgtmgen::cli
