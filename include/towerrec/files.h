// Reading and crash-safe writing of whole files, for the library and the command line.
// A reader never sees a half-written file: a crash or error leaves either the old
// content or the new, never a mix. util/fs.h adds staged directories.
//
// Thread safety: the functions are safe to call concurrently on different paths;
// concurrent writers of the same path each produce a complete file, the last rename wins.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace towerrec {

// Writes `bytes` to `path` atomically: a temporary file in the same directory is
// written, fsync'ed and renamed over `path`, then the directory is fsync'ed.
// Throws Error(kIo) naming the path when the directory is missing or a step fails;
// the previous content of `path`, if any, is then left untouched.
void write_file_atomic(const std::string& path, std::string_view bytes);

// Same, streaming: `writer` fills the temporary file. If `writer` throws, the
// temporary file is removed, `path` is untouched and the exception propagates.
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer);

// The whole content of a file. Throws Error(kNotFound) naming the path when it does
// not exist, Error(kIo) when it cannot be read (a directory, no permission).
std::string read_file(const std::string& path);

}  // namespace towerrec
