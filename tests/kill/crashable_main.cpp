// lgtmgen_crashable: lgtmgen whose process kills itself (SIGKILL) at the N-th
// disk operation or checkpoint, for tests/kill/kill_test.sh. Not installed.
//
//   LGTMGEN_KILL_AT=N         dies at operation N (0-based): a write dies
//                             halfway through its temporary file, as a real
//                             one can; a removal or checkpoint before it runs
//   LGTMGEN_COUNT_OPS_TO=FILE writes the number of operations at exit
//
// Operations are counted in a fixed order: writes run one at a time here.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include "cli/cli.h"
#include "real_disk_reads.h"

namespace {

class KillingFileSystem final : public lgtmgen::test::RealDiskReads {
 public:
  explicit KillingFileSystem(long kill_at) : kill_at_(kill_at) {}

  void Write(const std::string& path, const std::string& content, bool executable) override {
    if (Due()) {
      std::filesystem::create_directories(std::filesystem::path(path).parent_path());
      std::ofstream(path + ".lgtmgen-tmp-" + std::to_string(::getpid()), std::ios::binary)
          << content.substr(0, content.size() / 2);
      Die();
    }
    disk_.Write(path, content, executable);
  }
  void Remove(const std::string& path, const std::string& stop_at) override {
    if (Due()) Die();
    disk_.Remove(path, stop_at);
  }
  void Checkpoint() override {
    if (Due()) Die();
  }
  [[nodiscard]] long Operations() const { return ops_; }

 private:
  bool Due() { return ops_++ == kill_at_; }
  [[noreturn]] static void Die() {
    std::raise(SIGKILL);
    std::abort();
  }

  long kill_at_;
  long ops_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const char* kill_at = std::getenv("LGTMGEN_KILL_AT");
  KillingFileSystem fs(kill_at != nullptr ? std::atol(kill_at) : -1);
  const int rc = lgtmgen::cli::Main(std::vector<std::string>(argv + 1, argv + argc), fs, std::cout, std::cerr);
  if (const char* count_to = std::getenv("LGTMGEN_COUNT_OPS_TO")) std::ofstream(count_to) << fs.Operations() << "\n";
  return rc;
}
