using System.IO.Compression;
using BackupMonitor.Configuration;
using BackupMonitor.Content;
using Microsoft.Extensions.Configuration;

namespace BackupMonitor.Tests.Content;

/// <summary>
/// The gzip check runs on the system's zlib through its documented API, and proves at start that it refuses damaged
/// streams (<see cref="GzipSelfTest"/>); files made by the real `gzip` tool, cut or altered, are refused.
/// </summary>
public sealed class GzipDecoderTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void The_content_checks_gzip_decoder_passes_its_start_up_self_test()
    {
        Assert.Null(GzipSelfTest.ProblemOfThisProcess);
    }

    [Fact]
    public void A_decoder_that_reads_a_cut_stream_as_a_shorter_file_fails_the_self_test_saying_so()
    {
        // .NET's GZipStream is that decoder: a gzip cut short reads as a shorter file, without an error.
        var problem = GzipSelfTest.Problem(source => new GZipStream(source, CompressionMode.Decompress));

        Assert.NotNull(problem);
        Assert.Contains("did not detect a truncated stream", problem);
    }

    [Fact]
    public void With_the_content_check_on_a_failed_self_test_stops_the_program_naming_the_setting_and_the_problem()
    {
        var full = new SettingReader(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CONTENT_CHECK"] = "full" }).Build());
        var off = new SettingReader(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CONTENT_CHECK"] = "off" }).Build());
        const string problem = "the gzip decoder did not detect a truncated stream";

        var error = Assert.Throws<SettingsException>(() => ContentOptions.Read(full, () => problem));

        Assert.StartsWith("CONTENT_CHECK: 'full' needs a gzip decoder that detects damaged streams", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains("CONTENT_CHECK=off", error.Message);
        Assert.False(ContentOptions.Read(off, () => problem).CheckContent); // nothing to check, nothing to refuse
    }

    [Theory]
    [InlineData(1)] // inside the trailer's length
    [InlineData(6)] // inside the trailer's CRC-32
    [InlineData(8)] // the whole trailer
    [InlineData(5000)] // in the compressed data
    public void A_gzip_made_by_gzip_and_cut_short_is_refused_with_where_it_ends(int missing)
    {
        files.Text("data.txt");
        files.Sh("gzip -k data.txt && gzip -t data.txt.gz");
        var cut = files.CutShort(files.PathOf("data.txt.gz"), missing);
        files.Sh($"! gzip -t < '{cut}' 2>/dev/null"); // the real tool refuses it too

        var verdict = ContentChecker.CheckFile(cut);

        Assert.Equal(ContentVerdict.Failed("gzip", $"gzip: stream ends at byte {BackupFiles.SizeOf(cut)} before its trailer"), verdict);
    }

    [Fact]
    public void A_gzip_made_by_gzip_with_a_damaged_length_in_its_trailer_is_refused()
    {
        files.Text("data.txt");
        files.Sh("gzip -k data.txt");
        var whole = files.PathOf("data.txt.gz");

        var verdict = ContentChecker.CheckFile(files.Flip(whole, BackupFiles.SizeOf(whole) - 2));

        Assert.Equal(("gzip", ContentCheck.Failed), (verdict.Format, verdict.Result));
        Assert.EndsWith(": the length in the trailer does not match the data", verdict.Detail);
    }
}
