#include "out/git_commit.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <unordered_map>

#include "out/git_handles.h"
#include "out/git_library.h"

namespace lgtmgen::out {
namespace {

namespace fs = std::filesystem;

void Check(int rc, const std::string& what) {
  if (rc < 0) throw IoError(fmt::format("{}: {}", what, LastGitError()));
}

std::string Hex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), &oid);
  return hex;
}

// The repository around dir (or a new one at dir), and dir's path in it.
struct Located {
  GitRepository repo;
  std::string workdir;
  std::string prefix;  ///< "" when dir is the repository root
  bool initialized = false;
};

Located Locate(const std::string& dir, const std::string& initial_branch) {
  const fs::path target = fs::absolute(dir).lexically_normal();
  fs::path probe = target;
  while (!probe.empty() && !fs::exists(probe)) probe = probe.parent_path();
  Located out;
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, probe.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    std::error_code ec;
    fs::create_directories(target, ec);
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = initial_branch.c_str();
    Check(git_repository_init_ext(&raw, target.c_str(), &opts), "cannot create a Git repository in " + dir);
    out.initialized = true;
  } else {
    Check(rc, "cannot open the Git repository around " + dir);
  }
  out.repo.reset(raw);
  const char* workdir = git_repository_workdir(out.repo.get());
  if (workdir == nullptr) throw IoError(fmt::format("{} is in a bare repository; render into a checkout", dir));
  out.workdir = fs::weakly_canonical(workdir).string();
  const fs::path relative = fs::weakly_canonical(target).lexically_relative(out.workdir);
  if (relative.empty() || *relative.begin() == "..") {
    throw IoError(fmt::format("{} is not inside the repository {}", dir, out.workdir));
  }
  out.prefix = relative == "." ? "" : relative.generic_string();
  return out;
}

// The commit a reference points at, or nullptr when it does not exist yet.
GitCommit CommitAt(git_repository* repo, const std::string& refname) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, refname.c_str()) < 0) return nullptr;
  git_commit* commit = nullptr;
  Check(git_commit_lookup(&commit, repo, &oid), "cannot read " + refname);
  return GitCommit(commit);
}

// "refs/heads/main" for the checked-out branch, born or not; "" when HEAD is
// detached.
std::string HeadBranchRef(git_repository* repo) {
  git_reference* head = nullptr;
  Check(git_reference_lookup(&head, repo, "HEAD"), "cannot read HEAD");
  GitReference owned(head);
  if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) return "";
  return git_reference_symbolic_target(head);
}

// What a commit's tree holds under the render's folder (prefix), read in one
// walk that reads each tree once (a lookup by path reads every tree on the
// way each time, and libgit2 does not cache large trees): each file's blob id
// and each symbolic link, on the way to the folder or inside it, by
// repository path.
struct TreeFiles {
  std::unordered_map<std::string, git_oid> ids;
  std::set<std::string> links;
};

TreeFiles FilesInTree(git_tree* tree, const std::string& prefix) {
  struct Walk {
    std::string scope;
    TreeFiles found;
  } walk{prefix.empty() ? "" : prefix + "/", {}};
  if (tree == nullptr) return {};
  const auto visit = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
    auto* w = static_cast<Walk*>(payload);
    const std::string path = std::string(root) + git_tree_entry_name(entry);
    const bool inside = path.compare(0, w->scope.size(), w->scope) == 0;
    const bool on_the_way = w->scope.compare(0, path.size() + 1, path + "/") == 0;
    if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK && (inside || on_the_way)) w->found.links.insert(path);
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) return inside || on_the_way ? 0 : 1;  // 1: skip it
    if (inside) w->found.ids.emplace(path, *git_tree_entry_id(entry));
    return 0;
  };
  Check(git_tree_walk(tree, GIT_TREEWALK_PRE, visit, &walk), "cannot read the base tree");
  return std::move(walk.found);
}

// The first directory on the way to one of files (relative to prefix) that
// is a symbolic link among links, or "".
std::string LinkedDirectory(const std::set<std::string>& links, const std::string& prefix,
                            const std::map<std::string, const std::string*>& files) {
  if (links.empty()) return "";
  std::set<std::string> dirs;
  for (const auto& [path, _] : files) {
    const std::string full = prefix.empty() ? path : prefix + "/" + path;
    for (size_t slash = full.find('/'); slash != std::string::npos; slash = full.find('/', slash + 1)) {
      dirs.insert(full.substr(0, slash));
    }
  }
  for (const std::string& dir : dirs) {
    if (links.count(dir) != 0) return dir;
  }
  return "";
}

std::optional<std::pair<git_oid, std::string>> ReadFromTree(git_repository* repo, git_tree* tree,
                                                            const std::string& path) {
  if (tree == nullptr) return std::nullopt;
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree, path.c_str()) < 0) return std::nullopt;
  GitTreeEntry entry(raw);
  git_blob* blob = nullptr;
  if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry.get())) < 0) return std::nullopt;
  GitBlob owned(blob);
  return std::make_pair(*git_tree_entry_id(entry.get()),
                        std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                                    static_cast<size_t>(git_blob_rawsize(blob))));
}

GitSignature Signature(git_repository* repo, const std::optional<GitIdentity>& identity, std::string* refusal) {
  git_signature* sig = nullptr;
  if (identity) {
    Check(git_signature_now(&sig, identity->name.c_str(), identity->email.c_str()), "invalid --author");
  } else if (git_signature_default(&sig, repo) < 0) {
    *refusal =
        "no author identity for the commit: pass --author \"Name <email>\", or set user.name and user.email "
        "(git config --global user.name ...)";
  }
  return GitSignature(sig);
}

std::string DefaultMessage(const GitCommitOptions& o, const std::string& prefix, const ChangeSet& c) {
  std::map<std::string, std::array<int, 3>> per_folder;
  auto folder = [](const std::string& path) {
    const size_t slash = path.find('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash + 1);
  };
  for (const auto& p : c.added) ++per_folder[folder(p)][0];
  for (const auto& p : c.changed) ++per_folder[folder(p)][1];
  for (const auto& p : c.removed) ++per_folder[folder(p)][2];
  std::string text = fmt::format("lgtmgen: render fleet {}\n\nFrom {} (git blob {}) into {}:\n", o.fleet, o.spec_label,
                                 GitBlobId(o.spec_text), prefix.empty() ? "the repository root" : prefix + "/");
  for (const auto& [name, n] : per_folder) {
    std::vector<std::string> parts;
    if (n[0] > 0) parts.push_back(fmt::format("{} added", n[0]));
    if (n[1] > 0) parts.push_back(fmt::format("{} changed", n[1]));
    if (n[2] > 0) parts.push_back(fmt::format("{} removed", n[2]));
    text += fmt::format("  {:<14} {}\n", name, fmt::join(parts, ", "));
  }
  return text;
}

class Committer {
 public:
  Committer(const OutputTree& tree, const std::string& dir, const GitCommitOptions& o, FileSystem& fs)
      : tree_(tree), dir_(dir), o_(o), fs_(fs) {}

  GitCommitResult Run() {
    EnsureGitLibrary();
    manifest_ = ManifestText(tree_);
    for (const auto& [path, content] : tree_.Files()) files_.emplace_hint(files_.end(), path, &content);
    files_[kManifestPath] = &manifest_;
    ids_ = tree_.BlobIds();
    ids_[kManifestPath] = GitBlobId(manifest_);
    Located at = Locate(dir_, o_.initial_branch);
    git_repository* repo = at.repo.get();
    result_.initialized = at.initialized;
    result_.repository = at.workdir;
    prefix_ = at.prefix;
    if (!prefix_.empty()) {
      // `git add -A` would skip an ignored folder; committing it anyway
      // would put a render (a benchmark's, a build's) into the project.
      int ignored = 0;
      Check(git_ignore_path_is_ignored(&ignored, repo, (prefix_ + "/").c_str()), "cannot read the ignore rules");
      if (ignored != 0) {
        return Refuse(fmt::format(
            "{} is ignored by the Git repository at {} (.gitignore or .git/info/exclude); lgtmgen does not commit "
            "ignored files\n  hint: render outside that repository, remove the rule, or give the output a repository "
            "of its own (git init {})",
            prefix_ + "/", at.workdir, dir_));
      }
    }

    const std::string head_ref = HeadBranchRef(repo);
    if (head_ref.empty() && o_.branch.empty()) {
      return Refuse(
          "HEAD is detached, so there is no branch to commit to\n  hint: check out a branch (`git switch "
          "main`), or pass --branch NAME to commit on a branch of its own (starting at HEAD) without touching "
          "the checkout");
    }
    const std::string ref = o_.branch.empty() ? head_ref : "refs/heads/" + o_.branch;
    if (!o_.branch.empty() && ref == head_ref) {
      return Refuse(fmt::format("--branch {} is the checked-out branch; render without --branch to commit to it",
                                o_.branch));
    }
    result_.branch = ref.substr(std::string("refs/heads/").size());
    GitCommit base = CommitAt(repo, ref);
    if (!base && !o_.branch.empty()) base = CommitAt(repo, "HEAD");  // a new branch starts at HEAD
    git_tree* base_tree = nullptr;
    if (base) Check(git_commit_tree(&base_tree, base.get()), "cannot read the base commit's tree");
    GitTree owned_base_tree(base_tree);
    base_files_ = FilesInTree(base_tree, prefix_);
    if (const std::string linked = LinkedDirectory(base_files_.links, prefix_, files_); !linked.empty()) {
      return Refuse(fmt::format(
          "{} is a symbolic link in the branch's last commit; lgtmgen commits its files only in real "
          "directories, never through or over a link\n  hint: replace the link with a directory (or remove it) "
          "and commit that first",
          linked));
    }

    const std::map<std::string, std::string> owned = PreviousOwned(repo, base_tree);
    if (o_.branch.empty()) {
      if (std::string edited = HandEdited(owned); !edited.empty() && !o_.force) return Refuse(edited);
    }
    std::string refusal;
    GitSignature signature = Signature(repo, o_.author, &refusal);
    if (!refusal.empty()) return Refuse(refusal);

    // What the branch's own manifest lists goes too when no longer
    // generated: a run killed after writing DIR's manifest but before
    // committing leaves files in the branch that DIR's manifest forgot.
    std::map<std::string, std::string> removable = owned;
    if (auto committed = ReadFromTree(repo, base_tree, RepoPath(kManifestPath))) {
      removable.merge(ReadManifest(committed->second));
    }
    const git_oid tree_oid = BuildTree(repo, base_tree, removable);
    const bool unchanged = base_tree != nullptr && git_oid_equal(&tree_oid, git_tree_id(base_tree));
    if (o_.branch.empty()) {
      GitCommitResult written = WriteDisk();
      if (!written.refusal.empty()) return written;
      fs_.Checkpoint();
      // The index before the commit: interrupted in between, the index
      // already holds what the next run commits, so `git status` and a
      // user's `git commit` see lgtmgen's files, never their deletion. Also
      // when nothing is committed: that repairs an index an earlier run left.
      SyncIndex(repo, base_tree);
    }
    if (unchanged) return result_;  // nothing to commit
    fs_.Checkpoint();
    MakeCommit(repo, ref, base.get(), tree_oid, signature.get());
    return result_;
  }

 private:
  GitCommitResult Refuse(std::string why) {
    result_.refusal = std::move(why);
    return result_;
  }

  std::string RepoPath(const std::string& path) const { return prefix_.empty() ? path : prefix_ + "/" + path; }

  // Files lgtmgen wrote last time (path → blob id), from DIR's manifest or,
  // for --branch, from the manifest committed on the base.
  std::map<std::string, std::string> PreviousOwned(git_repository* repo, git_tree* base_tree) const {
    std::optional<std::string> text;
    if (o_.branch.empty()) text = fs_.Read(JoinPath(dir_, kManifestPath));
    if (!text) {
      if (auto committed = ReadFromTree(repo, base_tree, RepoPath(kManifestPath))) text = committed->second;
    }
    return text ? ReadManifest(*text) : std::map<std::string, std::string>{};
  }

  // Owned files whose content on disk is not what lgtmgen last wrote.
  std::string HandEdited(const std::map<std::string, std::string>& owned) const {
    std::vector<std::string> edited;
    for (const auto& [path, id] : owned) {
      if (id.empty()) continue;
      // A link where lgtmgen's file was is an edit; its target is not read.
      if (fs_.IsSymlink(JoinPath(dir_, path))) {
        edited.push_back(path);
        continue;
      }
      const std::optional<std::string> content = fs_.Read(JoinPath(dir_, path));
      if (content && !IdMatches(id, GitBlobId(*content))) edited.push_back(path);
    }
    if (edited.empty()) return {};
    return fmt::format(
        "files lgtmgen owns were edited by hand since it wrote them: {}\n  hint: move the change into the fleet "
        "spec, or pass --force to overwrite the edits",
        fmt::join(edited, ", "));
  }

  // The tree of the base commit with lgtmgen's files replaced: its current
  // files added or updated, the ones it no longer generates removed.
  git_oid BuildTree(git_repository* repo, git_tree* base_tree, const std::map<std::string, std::string>& owned) {
    git_index* raw = nullptr;
    Check(git_index_new(&raw), "cannot create an index");
    GitIndex index(raw);
    if (base_tree != nullptr) Check(git_index_read_tree(raw, base_tree), "cannot read the base tree");
    const std::unordered_map<std::string, git_oid>& base_ids = base_files_.ids;
    for (const auto& [path, content] : files_) {
      git_index_entry entry{};
      entry.mode = IsScript(*content) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
      const std::string repo_path = RepoPath(path);
      entry.path = repo_path.c_str();
      entry.id = IdOf(path);
      // A blob the base already has is in the object database: only new
      // content is compressed and written.
      const auto before = base_ids.find(repo_path);
      if (before == base_ids.end() || !git_oid_equal(&before->second, &entry.id)) {
        git_oid written;
        Check(git_blob_create_from_buffer(&written, repo, content->data(), content->size()), "cannot write " + path);
      }
      if (before == base_ids.end()) result_.changes.added.push_back(path);
      else if (!git_oid_equal(&before->second, &entry.id)) result_.changes.changed.push_back(path);
      else ++result_.changes.unchanged;
      Check(git_index_add(raw, &entry), "cannot stage " + path);
    }
    for (const auto& [path, _] : owned) {
      if (files_.count(path) != 0) continue;
      if (git_index_get_bypath(raw, RepoPath(path).c_str(), 0) == nullptr) continue;
      Check(git_index_remove(raw, RepoPath(path).c_str(), 0), "cannot unstage " + path);
      result_.changes.removed.push_back(path);
      removed_.push_back(path);
    }
    git_oid oid;
    Check(git_index_write_tree_to(&oid, raw, repo), "cannot write the tree");
    return oid;
  }

  GitCommitResult WriteDisk() {
    const CommitResult written = Commit(tree_, dir_, CommitMode::kWrite, o_.force, fs_);
    if (!written.refusal.empty()) return Refuse(written.refusal);
    return result_;
  }

  void MakeCommit(git_repository* repo, const std::string& ref, git_commit* parent, const git_oid& tree_oid,
                  const git_signature* signature) {
    git_tree* tree = nullptr;
    Check(git_tree_lookup(&tree, repo, &tree_oid), "cannot read the new tree");
    GitTree owned_tree(tree);
    const std::string message =
        o_.message.empty() ? DefaultMessage(o_, prefix_, result_.changes) : o_.message + "\n";
    const git_commit* parents[] = {parent};
    git_oid commit_oid;
    Check(git_commit_create(&commit_oid, repo, ref.c_str(), signature, signature, "UTF-8", message.c_str(), tree,
                            parent != nullptr ? 1 : 0, parents),
          "cannot commit");
    result_.commit_id = Hex(commit_oid);
  }

  // The checked-out index matches the commit for lgtmgen's files, so that
  // `git status` is clean; other staged changes stay staged.
  // Only entries that differ are staged again (their blob ids are known from
  // memory), so a run with nothing to commit costs no re-hashing.
  void SyncIndex(git_repository* repo, git_tree* base_tree) {
    git_index* raw = nullptr;
    Check(git_repository_index(&raw, repo), "cannot open the index");
    GitIndex index(raw);
    bool changed = false;
    for (const auto& [path, _] : files_) {
      const std::string repo_path = RepoPath(path);
      const git_index_entry* entry = git_index_get_bypath(raw, repo_path.c_str(), 0);
      const git_oid want = IdOf(path);
      if (entry != nullptr && git_oid_equal(&entry->id, &want)) continue;
      StageWritten(raw, path, repo_path, want);
      changed = true;
    }
    for (const auto& path : removed_) {
      if (git_index_get_bypath(raw, RepoPath(path).c_str(), 0) == nullptr) continue;
      git_index_remove_bypath(raw, RepoPath(path).c_str());
      changed = true;
    }
    // Entries under DIR for files that exist neither on disk, nor in this
    // render, nor in the branch: what an interrupted run's stale index still
    // lists (a user's committed file deleted on disk stays as it is).
    std::vector<std::string> stale;
    const std::string scope = prefix_.empty() ? "" : prefix_ + "/";
    for (size_t i = 0; i < git_index_entrycount(raw); ++i) {
      const std::string path = git_index_get_byindex(raw, i)->path;
      if (path.compare(0, scope.size(), scope) != 0) continue;
      const std::string rel = path.substr(scope.size());
      if (files_.count(rel) != 0 || fs_.Exists(JoinPath(dir_, rel))) continue;
      git_tree_entry* in_branch = nullptr;
      if (base_tree != nullptr && git_tree_entry_bypath(&in_branch, base_tree, path.c_str()) == 0) {
        git_tree_entry_free(in_branch);
        continue;
      }
      stale.push_back(path);
    }
    for (const std::string& path : stale) {
      git_index_remove_bypath(raw, path.c_str());
      changed = true;
    }
    if (changed) Check(git_index_write(raw), "cannot write the index");
  }

  git_oid IdOf(const std::string& path) const {
    git_oid oid;
    Check(git_oid_fromstr(&oid, ids_.at(path).c_str()), "cannot read a blob id");
    return oid;
  }

  // Stages the file this run just wrote at path, whose blob id is known:
  // its index entry from the file's status, as `git add` makes it, without
  // reading it again (a file the disk does not have is staged by path).
  void StageWritten(git_index* index, const std::string& path, const std::string& repo_path, const git_oid& id) {
    struct stat st {};
    if (::lstat(JoinPath(dir_, path).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      Check(git_index_add_bypath(index, repo_path.c_str()), "cannot stage " + path);
      return;
    }
    git_index_entry entry{};
    entry.ctime.seconds = static_cast<int32_t>(st.st_ctim.tv_sec);
    entry.ctime.nanoseconds = static_cast<uint32_t>(st.st_ctim.tv_nsec);
    entry.mtime.seconds = static_cast<int32_t>(st.st_mtim.tv_sec);
    entry.mtime.nanoseconds = static_cast<uint32_t>(st.st_mtim.tv_nsec);
    entry.dev = static_cast<uint32_t>(st.st_dev);
    entry.ino = static_cast<uint32_t>(st.st_ino);
    entry.mode = (st.st_mode & S_IXUSR) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    entry.uid = st.st_uid;
    entry.gid = st.st_gid;
    entry.file_size = static_cast<uint32_t>(st.st_size);
    entry.id = id;
    entry.path = repo_path.c_str();
    Check(git_index_add(index, &entry), "cannot stage " + path);
  }

  const OutputTree& tree_;
  const std::string& dir_;
  const GitCommitOptions& o_;
  FileSystem& fs_;
  std::string manifest_;
  std::map<std::string, const std::string*> files_;
  std::map<std::string, std::string> ids_;
  TreeFiles base_files_;  ///< the base commit's files under the render's folder
  std::string prefix_;
  std::vector<std::string> removed_;
  GitCommitResult result_;
};

}  // namespace

std::optional<GitIdentity> ParseIdentity(const std::string& text) {
  static const std::regex kIdentity(R"(^\s*([^<>]*[^<>\s])\s*<([^<>\s]+@[^<>\s]+)>\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, kIdentity)) return std::nullopt;
  return GitIdentity{m[1], m[2]};
}

GitCommitResult CommitToGit(const OutputTree& tree, const std::string& dir, const GitCommitOptions& options,
                            FileSystem& fs) {
  return Committer(tree, dir, options, fs).Run();
}

}  // namespace lgtmgen::out
