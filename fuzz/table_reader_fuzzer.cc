// The CSV/TSV table reader (src/data/table_reader.h): the first byte picks the table's
// declared format, header, encoding and error policy, the rest is the file.
#include <cstdint>
#include <string>

#include "data/table_reader.h"
#include "fuzz_support.h"

namespace {

towerrec::TableSpec spec_of(uint8_t flags) {
  using towerrec::TableFormat;
  static const TableFormat kFormats[] = {TableFormat::kAuto, TableFormat::kCsv, TableFormat::kTsv,
                                         TableFormat::kPipe};
  towerrec::TableSpec spec;
  spec.file = (flags & 0x40) ? "table.tsv" : "table.csv";
  spec.format = kFormats[flags & 3];
  spec.header = !(flags & 4);
  spec.encoding = (flags & 8) ? towerrec::TextEncoding::kLatin1 : towerrec::TextEncoding::kUtf8;
  spec.on_error = (flags & 16) ? towerrec::OnError::kSkip : towerrec::OnError::kFail;
  if (flags & 32) spec.columns = {"user_id", "item_id", "rating"};
  return spec;
}

void read_table(uint8_t flags, std::string text) {
  towerrec::data::TableReader reader(spec_of(flags), "table.csv", std::move(text));
  const int user = reader.find_column("user_id");
  const size_t width = reader.columns().size();
  reader.for_each_row([&](int64_t line, const std::vector<std::string_view>& fields) {
    if (fields.size() != width) std::abort();  // rows must match the header
    if (user >= 0 && fields[user].empty()) reader.reject_row("empty id", reader.where(line, user));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string text = towerrec::fuzz::as_text(data + 1, size - 1);
  towerrec::fuzz::expect_clear_error([&] { read_table(data[0], std::move(text)); });
  return 0;
}
