// render --commit, --branch, --push and diff, against real repositories made
// in temporary folders, inspected with the git CLI (installed on the CI
// machine; these tests are skipped without it).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "out/git_library.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;
using test::RunCli;
using test::Shell;

namespace {

struct Sandbox {
  Sandbox() : root(test::UniqueTempPath("lgtmgen-git-")) {
    fs::remove_all(root);
    fs::create_directories(root / "home");
    spec = (root / "lgtm.yaml").string();
    std::ofstream(spec) << *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  }
  ~Sandbox() { fs::remove_all(root); }

  // A HOME without Git config, so identity comes only from what a test gives.
  std::string Env() const {
    return "HOME='" + (root / "home").string() + "' XDG_CONFIG_HOME='" + (root / "home").string() +
           "' GIT_CONFIG_NOSYSTEM=1 ";
  }
  test::CliResult Lgtmgen(const std::string& args) const { return RunCli(args, root.string(), Env()); }
  std::string Git(const std::string& args, const std::string& dir = "repo") const {
    return Shell(Env() + "git -C '" + (root / dir).string() + "' " + args);
  }
  void EditSpec(const std::string& from, const std::string& to) const {
    std::string text = *test::ReadFile(spec);
    text.replace(text.find(from), from.size(), to);
    std::ofstream(spec) << text;
  }

  fs::path root;
  std::string spec;
};

const std::string kAuthor = "--author 'Ops Bot <ops@example.com>'";

// The working tree of a checkout: every file but those under .git/.
std::map<std::string, std::string> WorkTree(const fs::path& dir) {
  std::map<std::string, std::string> files = test::ReadTree(dir.string());
  for (auto it = files.begin(); it != files.end();) {
    it = it->first.rfind(".git/", 0) == 0 ? files.erase(it) : std::next(it);
  }
  return files;
}

// Every file path in HEAD's tree, read with libgit2.
std::vector<std::string> TreeFiles(const fs::path& repo_dir) {
  out::EnsureGitLibrary();
  git_repository* repo = nullptr;
  REQUIRE(git_repository_open(&repo, repo_dir.c_str()) == 0);
  git_object* tree = nullptr;
  REQUIRE(git_revparse_single(&tree, repo, "HEAD^{tree}") == 0);
  std::vector<std::string> files;
  git_tree_walk(
      reinterpret_cast<git_tree*>(tree), GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* entry, void* payload) {
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
          static_cast<std::vector<std::string>*>(payload)->push_back(std::string(root) + git_tree_entry_name(entry));
        }
        return 0;
      },
      &files);
  git_object_free(tree);
  git_repository_free(repo);
  std::sort(files.begin(), files.end());
  return files;
}

bool HaveGit() { return !Shell("git --version").empty(); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("render --commit: first commit, no-op, a change, and hand edits", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  test::CliResult first = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("created a Git repository") != std::string::npos);
  CHECK(s.Git("rev-list --count HEAD") == "1\n");
  CHECK(s.Git("symbolic-ref --short HEAD") == "main\n");  // gitops.targetRevision
  CHECK(s.Git("status --porcelain").empty());
  // The commit's tree is exactly the rendered files.
  std::vector<std::string> tracked = Lines(s.Git("ls-files"));
  std::vector<std::string> listed = Lines(s.Lgtmgen("render lgtm.yaml -o repo --list-files").out);
  std::sort(listed.begin(), listed.end());
  CHECK(tracked == listed);
  CHECK(s.Git("log -1 --format=%an/%ae") == "Ops Bot/ops@example.com\n");
  CHECK(s.Git("log -1 --format=%B").find("git blob") != std::string::npos);
  CHECK(s.Git("ls-files -s bootstrap/all.sh").rfind("100755", 0) == 0);
  // The same, read with libgit2: HEAD's tree holds exactly the rendered files.
  CHECK(TreeFiles(s.root / "repo") == listed);

  const test::CliResult again = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("nothing to commit") != std::string::npos);
  CHECK(s.Git("rev-list --count HEAD") == "1\n");

  s.EditSpec("agents: alloy ", "agents: none  ");
  s.EditSpec("logs: 7d", "logs: 14d");
  const test::CliResult change = s.Lgtmgen("render lgtm.yaml -o repo --commit -m 'Longer logs, no agent' " + kAuthor);
  INFO(change.err);
  REQUIRE(change.exit_code == 0);
  CHECK(s.Git("log -1 --format=%s") == "Longer logs, no agent\n");
  const std::vector<std::string> expected = {
      "D\targocd/applicationsets/alloy.yaml",
      "D\targocd/applicationsets/alloy-events.yaml",
      "D\targocd/applicationsets/alloy-gateway.yaml",
      "D\targocd/applicationsets/kube-state-metrics.yaml",
      "D\targocd/applicationsets/prometheus-crds.yaml",
      "D\targocd/projects/agents.yaml",
      "D\tbootstrap/60-verify.sh",  // no agents, no data to verify
      "D\tclusters/lgtm-central/values/alloy.yaml",
      "D\tclusters/lgtm-central/values/alloy-events.yaml",
      "D\tclusters/lgtm-central/values/alloy-gateway.yaml",
      "D\tclusters/lgtm-central/values/kube-state-metrics.yaml",
      "D\tclusters/lgtm-central/values/prometheus-operator-crds.yaml",
      "D\tcomponents/agents/alloy/values.yaml",
      "D\tcomponents/agents/alloy-events/values.yaml",
      "D\tcomponents/agents/alloy-gateway/values.yaml",
      "D\tcomponents/agents/kube-state-metrics/values.yaml",
      "D\tcomponents/agents/prometheus-operator-crds/values.yaml",
      "M\t.lgtmgen/manifest",
      "M\tbootstrap/README.md",
      "M\tclusters/lgtm-central/README.md",
      "M\tclusters/lgtm-central/cluster.json",
      "M\tcomponents/backends/loki/values.yaml",  // retention, and no self-monitoring without agents
      "M\tcomponents/backends/mimir-distributed/values.yaml",
      "M\tcomponents/backends/tempo-distributed/values.yaml",
      "M\tlgtm.yaml",
      "M\tREADME.md"};
  std::vector<std::string> changed = Lines(s.Git("diff --name-status HEAD~1 HEAD"));
  std::vector<std::string> sorted_expected = expected;
  std::sort(changed.begin(), changed.end());
  std::sort(sorted_expected.begin(), sorted_expected.end());
  CHECK(changed == sorted_expected);
  CHECK(s.Git("status --porcelain").empty());

  std::ofstream(s.root / "repo/argocd/root.yaml", std::ios::app) << "# tweak\n";
  s.EditSpec("logs: 14d", "logs: 21d");
  const test::CliResult blocked = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  CHECK(blocked.exit_code == 2);
  CHECK(blocked.err.find("edited by hand since it wrote them: argocd/root.yaml") != std::string::npos);
  CHECK(s.Git("rev-list --count HEAD") == "2\n");
  const test::CliResult forced = s.Lgtmgen("render lgtm.yaml -o repo --commit --force " + kAuthor);
  CHECK(forced.exit_code == 0);
  CHECK(s.Git("status --porcelain").empty());
}

TEST_CASE("an index left behind by an interrupted --commit is repaired by the next run", "[git][crash]") {
  if (!HaveGit()) return;
  Sandbox s;
  REQUIRE(s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor).exit_code == 0);
  const std::string first = s.Git("rev-parse HEAD");
  s.EditSpec("agents: alloy ", "agents: none  ");
  REQUIRE(s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor).exit_code == 0);
  // Killed after the commit, before the index was written: HEAD is new, the
  // index still the old tree (a user's `git commit` would undo the change).
  s.Git("read-tree " + first.substr(0, first.size() - 1));
  REQUIRE_FALSE(s.Git("status --porcelain").empty());
  const test::CliResult again = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("nothing to commit") != std::string::npos);
  CHECK(s.Git("status --porcelain").empty());
  CHECK(s.Git("rev-list --count HEAD") == "2\n");
}

TEST_CASE("render --commit needs an identity and says how to give one", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  const test::CliResult r = s.Lgtmgen("render lgtm.yaml -o repo --commit");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no author identity") != std::string::npos);
  CHECK(s.Lgtmgen("render lgtm.yaml -o repo --commit --author nobody").exit_code == 2);
  CHECK(s.Lgtmgen("render lgtm.yaml -o repo -m 'no commit flag'").exit_code == 2);
}

TEST_CASE("a review branch commit leaves the checkout alone without touching the checkout, and --push updates a bare remote", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  REQUIRE(s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor).exit_code == 0);
  Shell("git init -q --bare '" + (s.root / "remote.git").string() + "'");
  s.Git("remote add origin '" + (s.root / "remote.git").string() + "'");
  const std::string head = s.Git("rev-parse HEAD");
  const auto before = WorkTree(s.root / "repo");

  s.EditSpec("metrics: 7d", "metrics: 30d");
  const test::CliResult r = s.Lgtmgen("render lgtm.yaml -o repo --commit --branch review/retention --push " + kAuthor);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(s.Git("rev-parse HEAD") == head);
  CHECK(s.Git("symbolic-ref --short HEAD") == "main\n");
  CHECK(WorkTree(s.root / "repo") == before);
  CHECK(s.Git("diff --name-only main review/retention") ==
        ".lgtmgen/manifest\ncomponents/backends/mimir-distributed/values.yaml\nlgtm.yaml\n");
  CHECK(s.Git("rev-parse review/retention", "remote.git") == s.Git("rev-parse review/retention"));

  CHECK(s.Lgtmgen("render lgtm.yaml -o repo --commit --push " + kAuthor).exit_code == 0);
  CHECK(s.Git("rev-parse main", "remote.git") == s.Git("rev-parse main"));
  CHECK(s.Lgtmgen("render lgtm.yaml -o repo --commit --branch main " + kAuthor).exit_code == 2);
}

TEST_CASE("render --commit into a sub-folder of a larger repository stages only lgtmgen's files", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  fs::create_directories(s.root / "repo");
  Shell("git init -q -b trunk '" + (s.root / "repo").string() + "'");
  std::ofstream(s.root / "repo/app.txt") << "the application\n";
  s.Git("add app.txt");
  s.Git("-c user.name=Dev -c user.email=dev@example.com commit -q -m app");
  std::ofstream(s.root / "repo/app.txt", std::ios::app) << "staged, not ours\n";
  s.Git("add app.txt");
  s.EditSpec("  targetRevision: main", "  targetRevision: trunk\n  path: deploy/observability");

  const test::CliResult r = s.Lgtmgen("render lgtm.yaml -o repo/deploy/observability --commit " + kAuthor);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string files = s.Git("show --name-only --format= HEAD");
  CHECK(files.find("deploy/observability/argocd/root.yaml") != std::string::npos);
  CHECK(files.find("app.txt") == std::string::npos);
  CHECK(s.Git("status --porcelain") == "M  app.txt\n");  // the user's staged change is still staged, and only it
  CHECK(s.Git("log -1 --format=%B").find("into deploy/observability/") != std::string::npos);
}

TEST_CASE("render --commit into a folder the repository ignores is refused, and writes nothing", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  fs::create_directories(s.root / "repo");
  Shell("git init -q -b main '" + (s.root / "repo").string() + "'");
  std::ofstream(s.root / "repo/.gitignore") << "/build/\n";
  s.Git("add .gitignore");
  s.Git("-c user.name=Dev -c user.email=dev@example.com commit -q -m ignore");

  const test::CliResult r = s.Lgtmgen("render lgtm.yaml -o repo/build/fleet --commit " + kAuthor);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("build/fleet/ is ignored by the Git repository at") != std::string::npos);
  CHECK(r.err.find("hint: render outside that repository") != std::string::npos);
  CHECK_FALSE(fs::exists(s.root / "repo/build"));
  CHECK(s.Git("rev-list --count HEAD") == "1\n");
}

TEST_CASE("diff prints what render would change, golden-tested", "[git][golden]") {
  Sandbox s;
  REQUIRE(s.Lgtmgen("render lgtm.yaml -o repo").exit_code == 0);
  CHECK(s.Lgtmgen("diff lgtm.yaml -o repo").exit_code == 0);
  s.EditSpec("agents: alloy ", "agents: none  ");
  s.EditSpec("logs: 7d", "logs: 14d");
  const test::CliResult r = s.Lgtmgen("diff lgtm.yaml -o repo --color never");
  CHECK(r.exit_code == 1);
  const std::string golden = test::SourcePath("golden/diff/minimal-no-agents.diff");
  if (test::UpdatingGoldens()) std::ofstream(golden, std::ios::binary) << r.out;
  INFO(test::UnifiedDiff("minimal-no-agents.diff", test::ReadFile(golden).value_or(""), r.out));
  CHECK(r.out == test::ReadFile(golden).value_or(""));
  const test::CliResult colored = s.Lgtmgen("diff lgtm.yaml -o repo --color always");
  CHECK(colored.out.find("\033[32m+") != std::string::npos);
}

TEST_CASE("a symbolic link in the repository is never followed: diff, --commit and --branch refuse or skip it", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  REQUIRE(s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor).exit_code == 0);
  fs::create_directories(s.root / "elsewhere");
  std::ofstream(s.root / "elsewhere/private.txt") << "PRIVATE-CONTENT\n";
  // A generated file replaced by a link to a file outside: diff shows the
  // file as changed, never the target's content.
  fs::remove(s.root / "repo/README.md");
  fs::create_symlink(s.root / "elsewhere/private.txt", s.root / "repo/README.md");
  const test::CliResult diff = s.Lgtmgen("diff lgtm.yaml -o repo --color never");
  CHECK(diff.exit_code == 1);
  CHECK(diff.out.find("README.md") != std::string::npos);
  CHECK(diff.out.find("PRIVATE-CONTENT") == std::string::npos);
  // --commit counts the link as a hand edit, without reading its target.
  const test::CliResult edited = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  CHECK(edited.exit_code == 2);
  CHECK(edited.err.find("edited by hand since it wrote them: README.md") != std::string::npos);
  fs::remove(s.root / "repo/README.md");
  s.Git("checkout -q -- README.md");

  // A generated directory committed as a link: diff, --commit and --branch
  // refuse; nothing is written through it or committed over it.
  s.Git("rm -rq bootstrap");
  fs::create_directory_symlink("../elsewhere", s.root / "repo/bootstrap");
  s.Git("add bootstrap");
  s.Git("-c user.name=Dev -c user.email=dev@example.com commit -q -m link");
  const std::string head = s.Git("rev-parse HEAD");
  const test::CliResult linked_diff = s.Lgtmgen("diff lgtm.yaml -o repo");
  CHECK(linked_diff.exit_code == 2);
  CHECK(linked_diff.err.find("repo/bootstrap is a symbolic link") != std::string::npos);
  const test::CliResult commit = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  CHECK(commit.exit_code == 2);
  CHECK(commit.err.find("bootstrap is a symbolic link in the branch's last commit") != std::string::npos);
  const test::CliResult branch = s.Lgtmgen("render lgtm.yaml -o repo --commit --branch review " + kAuthor);
  CHECK(branch.exit_code == 2);
  CHECK(branch.err.find("bootstrap is a symbolic link") != std::string::npos);
  CHECK(s.Git("rev-parse HEAD") == head);
  CHECK(s.Git("branch --list review").empty());
  CHECK(test::ReadTree((s.root / "elsewhere").string()).size() == 1);
}

TEST_CASE("a detached HEAD is refused with a hint that works: --branch commits from it", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  REQUIRE(s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor).exit_code == 0);
  s.Git("checkout -q --detach HEAD");
  const std::string head = s.Git("rev-parse HEAD");
  s.EditSpec("metrics: 7d", "metrics: 30d");
  const test::CliResult detached = s.Lgtmgen("render lgtm.yaml -o repo --commit " + kAuthor);
  CHECK(detached.exit_code == 2);
  CHECK(detached.err.find("HEAD is detached") != std::string::npos);
  CHECK(detached.err.find("--branch NAME") != std::string::npos);
  const test::CliResult branch = s.Lgtmgen("render lgtm.yaml -o repo --commit --branch review " + kAuthor);
  INFO(branch.err);
  CHECK(branch.exit_code == 0);
  CHECK(s.Git("rev-parse review~1") == head);
  CHECK(s.Git("rev-parse HEAD") == head);
}

TEST_CASE("a failed push says what to do, not what libgit2 looked up last", "[git]") {
  if (!HaveGit()) return;
  Sandbox s;
  const test::CliResult no_origin = s.Lgtmgen("render lgtm.yaml -o repo --commit --push " + kAuthor);
  CHECK(no_origin.exit_code == 3);
  CHECK(no_origin.err.find("no remote named 'origin'") != std::string::npos);
  CHECK(no_origin.err.find("git remote add origin") != std::string::npos);
  CHECK(s.Git("rev-list --count HEAD") == "1\n");  // the commit was made

  s.Git("remote add origin foo://example.invalid/repo.git");
  const test::CliResult protocol = s.Lgtmgen("render lgtm.yaml -o repo --commit --push " + kAuthor);
  CHECK(protocol.exit_code == 3);
  CHECK(protocol.err.find("lgtmgen cannot push to 'foo://example.invalid/repo.git'") != std::string::npos);

  // An HTTP server that answers every request with 401.
  const fs::path port_file = s.root / "port";
  const std::string server =
      "python3 -c \"import http.server,sys\n"
      "class H(http.server.BaseHTTPRequestHandler):\n"
      "  def do_GET(self):\n"
      "    self.send_response(401); self.send_header('WWW-Authenticate','Basic realm=x');"
      " self.send_header('Content-Length','0'); self.end_headers()\n"
      "  do_POST = do_GET\n"
      "  def log_message(self, *a): pass\n"
      "s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
      "open(sys.argv[1], 'w').write(str(s.server_port))\n"
      "s.timeout = 20\n"
      "for _ in range(20): s.handle_request()\n\" '" +
      port_file.string() + "' >/dev/null 2>&1 & echo $!";
  const std::string pid = Shell(server);
  for (int i = 0; i < 100 && !fs::exists(port_file); ++i) Shell("sleep 0.05");
  const std::string port = test::ReadFile(port_file.string()).value_or("");
  REQUIRE_FALSE(port.empty());
  s.Git("remote set-url origin http://127.0.0.1:" + port + "/repo.git");
  const test::CliResult refused = RunCli("render lgtm.yaml -o repo --commit --push " + kAuthor, s.root.string(),
                                         s.Env() + "GIT_TERMINAL_PROMPT=0 LGTMGEN_GIT_TOKEN=wrong ");
  Shell("kill " + pid + " 2>/dev/null");
  CHECK(refused.exit_code == 3);
  INFO(refused.err);
  CHECK(refused.err.find("did not accept our credentials") != std::string::npos);
  CHECK(refused.err.find("LGTMGEN_GIT_TOKEN") != std::string::npos);
  CHECK(refused.err.find("followRedirects") == std::string::npos);
}
