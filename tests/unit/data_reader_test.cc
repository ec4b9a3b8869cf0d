// Table reader: formats, quoting, encodings, header handling and located errors.
#include <gtest/gtest.h>

#include "data/table_reader.h"
#include "data/text_codec.h"
#include "test_support.h"
#include "towerrec/error.h"

namespace towerrec::data {
namespace {

using towerrec::testing::error_of;
using towerrec::testing::TempDir;
using Rows = std::vector<std::vector<std::string>>;

Rows read_all(TableReader& reader) {
  Rows rows;
  reader.for_each_row([&](int64_t, const std::vector<std::string_view>& fields) {
    rows.emplace_back(fields.begin(), fields.end());
  });
  return rows;
}

TableSpec spec_with(const std::string& format, bool header = true,
                    std::vector<std::string> columns = {}) {
  TableSpec spec;
  spec.format = parse_enum<TableFormat>(format, "format");
  spec.header = header;
  spec.columns = std::move(columns);
  return spec;
}

TEST(TableReader, CsvQuotingPerRfc4180) {
  TempDir dir;
  const std::string path = dir.write(
      "t.csv",
      "id,title,n\r\n1,\"Heat, The\",3\r\n2,\"say \"\"hi\"\"\",4\r\n3,\"two\nlines\",5\r\n4,,\n");
  TableReader reader(spec_with("auto"), path);
  EXPECT_EQ(reader.delimiter(), Delimiter::kComma);
  EXPECT_EQ(reader.columns(), (std::vector<std::string>{"id", "title", "n"}));
  const Rows rows = read_all(reader);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][1], "Heat, The");
  EXPECT_EQ(rows[1][1], "say \"hi\"");
  EXPECT_EQ(rows[2][1], "two\nlines");
  EXPECT_EQ(rows[3], (std::vector<std::string>{"4", "", ""}));
}

TEST(TableReader, TsvAndPipeWithDeclaredColumns) {
  TempDir dir;
  const std::string tsv = dir.write("u.data", "1\t10\t4\n2\t20\t5\n");
  TableReader a(spec_with("auto", false, {"user", "item", "rating"}), tsv);
  EXPECT_EQ(a.delimiter(), Delimiter::kTab);
  EXPECT_EQ(read_all(a), (Rows{{"1", "10", "4"}, {"2", "20", "5"}}));
  // In pipe files quotes are plain characters.
  const std::string pipe = dir.write("u.item", "1|\"Quoted\" title|x\n");
  TableReader b(spec_with("pipe", false, {"id", "title", "x"}), pipe);
  EXPECT_EQ(read_all(b), (Rows{{"1", "\"Quoted\" title", "x"}}));
  // Without header and columns, columns are named by position.
  TableReader c(spec_with("tsv", false), tsv);
  EXPECT_EQ(c.columns(), (std::vector<std::string>{"1", "2", "3"}));
}

TEST(TableReader, GuessesDelimiter) {
  EXPECT_EQ(guess_delimiter("x.tsv", "a,b"), Delimiter::kTab);
  EXPECT_EQ(guess_delimiter("x.psv", "a,b"), Delimiter::kPipe);
  EXPECT_EQ(guess_delimiter("data", "1|Heat, The|x|y"), Delimiter::kPipe);
  EXPECT_EQ(guess_delimiter("data", "1\t2\t3"), Delimiter::kTab);
  EXPECT_EQ(guess_delimiter("data", "a,b"), Delimiter::kComma);
}

TEST(TableReader, Latin1IsConvertedAndBadUtf8IsLocated) {
  TempDir dir;
  const std::string path = dir.write("items.psv", "id|title\n1|Caf\xE9\n2|ok\n");
  TableSpec spec = spec_with("auto");
  spec.encoding = TextEncoding::kLatin1;
  TableReader reader(spec, path);
  EXPECT_EQ(read_all(reader)[0][1], "Caf\xC3\xA9");
  spec.encoding = TextEncoding::kUtf8;
  const std::string message = error_of([&] { TableReader bad(spec, path); });
  EXPECT_NE(message.find("items.psv:2: invalid UTF-8"), std::string::npos) << message;
  EXPECT_NE(message.find("encoding: latin-1"), std::string::npos) << message;
  const std::string utf8 = dir.write("ok.psv", "\xEF\xBB\xBFid|t\n1|Caf\xC3\xA9\n");
  TableReader good(spec, utf8);
  EXPECT_EQ(good.columns()[0], "id");  // byte order mark dropped
  EXPECT_EQ(read_all(good)[0][1], "Caf\xC3\xA9");
}

TEST(TableReader, ErrorsNameFileLineAndColumn) {
  TempDir dir;
  EXPECT_NE(error_of([&] {
              TableReader r(spec_with("csv"), dir.path() + "/nope.csv");
            }).find("file not found: " + dir.path() + "/nope.csv"),
            std::string::npos);
  const std::string empty = dir.write("empty.csv", "\n\n");
  EXPECT_NE(error_of([&] {
              TableReader r(spec_with("csv"), empty);
            }).find("empty.csv: the table is empty"),
            std::string::npos);
  const std::string header_only = dir.write("h.csv", "a,b\n");
  EXPECT_NE(error_of([&] {
              TableReader r(spec_with("csv"), header_only);
              read_all(r);
            }).find("h.csv: the table has no data rows"),
            std::string::npos);
  const std::string path = dir.write("t.csv", "a,b\n1,2\n3\n");
  TableReader reader(spec_with("csv"), path);
  EXPECT_NE(error_of([&] {
              reader.column_index("c", "data.user_column");
            }).find("t.csv: missing column 'c' (data.user_column); columns are: a, b"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_all(reader); }).find("t.csv:3: expected 2 fields, found 1"),
            std::string::npos);
  EXPECT_EQ(reader.where(7, 1), path + ":7: column 'b' (2)");
  const std::string quote = dir.write("q.csv", "a,b\n1,\"open\n");
  TableReader q(spec_with("csv"), quote);
  EXPECT_NE(error_of([&] { read_all(q); }).find("q.csv:2: unterminated or misplaced quote"),
            std::string::npos);
}

TEST(TableReader, SkipModeCountsMalformedRows) {
  TempDir dir;
  const std::string path = dir.write("t.csv", "a,b\n1,2\n3\n4,5,6\n7,8\n9,\"x\"y\n");
  TableSpec spec = spec_with("csv");
  spec.on_error = OnError::kSkip;
  TableReader reader(spec, path);
  EXPECT_EQ(read_all(reader), (Rows{{"1", "2"}, {"7", "8"}}));
  EXPECT_EQ(reader.rows_read(), 5);
  EXPECT_EQ(reader.rows_skipped(), 3);
  EXPECT_EQ(reader.skip_reasons().at("wrong field count"), 2);
  EXPECT_EQ(reader.skip_reasons().at("bad quoting"), 1);
}

TEST(TableReader, HeaderMustMatchDeclaredColumns) {
  TempDir dir;
  const std::string path = dir.write("t.csv", "a,b\n1,2\n");
  EXPECT_NE(error_of([&] {
              TableReader r(spec_with("csv", true, {"x", "y", "z"}), path);
            }).find("t.csv:1: the header has 2 columns but 3 are declared"),
            std::string::npos);
  TableReader renamed(spec_with("csv", true, {"x", "y"}), path);
  EXPECT_EQ(renamed.find_column("y"), 1);
  EXPECT_NE(error_of([&] {
              TableReader r(spec_with("xml"), path);
            }).find("format: 'xml' is not one of: auto, csv, tsv, pipe"),
            std::string::npos);
}

TEST(TextCodec, NumbersYearsAndUtf8) {
  double v = 0;
  int64_t i = 0;
  EXPECT_TRUE(parse_double(" 3.5 ", &v));
  EXPECT_DOUBLE_EQ(v, 3.5);
  EXPECT_FALSE(parse_double("3.5x", &v));
  EXPECT_FALSE(parse_double("", &v));
  EXPECT_TRUE(parse_int64("881250949", &i));
  EXPECT_EQ(i, 881250949);
  EXPECT_TRUE(parse_int64("8.8e8", &i));
  EXPECT_EQ(i, 880000000);
  EXPECT_TRUE(extract_year("01-Jan-1995", &v));
  EXPECT_DOUBLE_EQ(v, 1995);
  EXPECT_TRUE(extract_year("1994 re-release 2001-05", &v));
  EXPECT_DOUBLE_EQ(v, 2001);
  EXPECT_FALSE(extract_year("12345 and 12", &v));
  EXPECT_EQ(latin1_to_utf8("\xE9t\xE9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(find_invalid_utf8("abc\xC3\xA9"), std::string::npos);
  EXPECT_EQ(find_invalid_utf8("abcdefghij\xC3"), 10u);
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);  // surrogate
}

}  // namespace
}  // namespace towerrec::data
