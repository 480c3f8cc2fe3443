using System.Text;
using System.Text.Unicode;
using BackupMonitor.Reports;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BackupMonitor.Tests.Reports.Fuzzing;

/// <summary>The pure half of the report reading (bytes in, report or problems out), checked fast on many inputs.</summary>
public class ParserPropertyTests
{
    private const string Agent = "ACME_Paris_Centre";

    [Property(MaxTest = 500)]
    public void Any_bytes_give_a_report_or_problems_and_never_an_exception(byte[] bytes)
    {
        var result = StatusReportParser.Parse(bytes, Agent);
        Assert.True(result.IsValid || result.Problems.Count > 0);
    }

    [Property(MaxTest = 300)]
    public void Every_accepted_encoding_reads_as_the_same_text(NonNull<string> generated)
    {
        // NUL and a leading U+FEFF have meanings of their own (UTF-16 without a mark; a UTF-8 mark).
        var text = generated.Get.Replace("\0", "").TrimStart('\uFEFF');
        var utf8 = Encoding.UTF8.GetBytes(text);
        foreach (var encoding in new[] { "utf-8 BOM", "utf-16LE", "utf-16BE", "utf-32LE", "utf-32BE" })
        {
            var decoded = ReportEncoding.ToUtf8(ReportMutation.Encoded(text, encoding));
            Assert.Null(decoded.Problem);
            Assert.Equal(utf8, decoded.Utf8.ToArray());
        }
        Assert.Equal(utf8, ReportEncoding.ToUtf8(utf8).Utf8.ToArray());
    }

    [Property(MaxTest = 300)]
    public Property Bytes_that_are_not_utf8_are_refused_at_the_first_bad_byte() =>
        Prop.ForAll(Arb.From(Gen.Choose(0x20, 0xFF).Select(b => (byte)b).ArrayOf().Where(b => b.Length > 1 && !Utf8.IsValid(b))), bytes =>
        {
            if (bytes[0] is 0xEF or 0xFE or 0xFF) return; // a byte-order mark, maybe: another rule
            // The framework's own transcoder says where valid UTF-8 stops.
            Utf8.ToUtf16(bytes, new char[bytes.Length], out var first, out _, replaceInvalidSequences: false);
            var problem = ReportEncoding.ToUtf8(bytes).Problem;
            Assert.NotNull(problem);
            Assert.Contains("not UTF-8", problem);
            Assert.Contains($"at byte offset {first} ", problem);
        });

    [Fact]
    public void A_long_value_quoted_in_a_problem_is_never_cut_inside_a_surrogate_pair()
    {
        foreach (var pad in new[] { "", "x" })
        {
            var report = $"{{\"agent_id\":\"{Agent}\",\"report_timestamp_utc\":\"2026-11-23T02:15:00Z\",\"databases\":\"{pad}{string.Concat(Enumerable.Repeat("𝄞", 60))}\"}}";
            var problem = Assert.Single(StatusReportParser.Parse(Encoding.UTF8.GetBytes(report), Agent).Problems);
            // PostgreSQL refuses text with half a pair: the strict encoder must accept every problem.
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(problem);
            Assert.StartsWith("databases: must be an array", problem);
        }
    }
}
