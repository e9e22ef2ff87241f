#pragma once
// For the crash tests' file systems: the real disk for everything that only
// reads; a subclass decides what happens to writes and removals.
#include "out/filesystem.h"

namespace lgtmgen::test {

class RealDiskReads : public out::FileSystem {
 public:
  std::optional<std::string> Read(const std::string& path) const override { return disk_.Read(path); }
  bool IsDirectory(const std::string& path) const override { return disk_.IsDirectory(path); }
  std::vector<std::string> List(const std::string& path) const override { return disk_.List(path); }
  bool IsSymlink(const std::string& path) const override { return disk_.IsSymlink(path); }
  bool Exists(const std::string& path) const override { return disk_.Exists(path); }

 protected:
  out::RealFileSystem disk_;
};

}  // namespace lgtmgen::test
