using BackupMonitor.Content;

namespace BackupMonitor.Tests.Content;

/// <summary>gzip, zstd, xz and bzip2 files made by the real tools: whole ones pass, cut or flipped ones fail with where.</summary>
public sealed class CompressedContentTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData("gzip -k", "gz", "gzip")]
    [InlineData("zstd -q -k", "zst", "zstd")]
    [InlineData("xz -k", "xz", "xz")]
    [InlineData("bzip2 -k", "bz2", "bzip2")]
    public void A_whole_compressed_file_passes(string tool, string extension, string format)
    {
        files.Text("data.txt");
        files.Sh($"{tool} data.txt");

        Assert.Equal(ContentVerdict.Passed(format), ContentChecker.CheckFile(files.PathOf($"data.txt.{extension}")));
    }

    [Theory]
    [InlineData("gzip -k", "gz", "gzip")]
    [InlineData("zstd -q -k", "zst", "zstd")]
    [InlineData("xz -k", "xz", "xz")]
    [InlineData("bzip2 -k", "bz2", "bzip2")]
    public void A_compressed_file_cut_short_fails_saying_where_it_ends(string tool, string extension, string format)
    {
        files.Text("data.txt");
        files.Sh($"{tool} data.txt");
        var whole = files.PathOf($"data.txt.{extension}");

        foreach (var cut in new[] { 4096, 4 })
        {
            var path = files.CutShort(whole, cut);
            var verdict = ContentChecker.CheckFile(path);

            Assert.Equal((format, ContentCheck.Failed), (verdict.Format, verdict.Result));
            Assert.StartsWith($"{format}: ", verdict.Detail);
        }
    }

    [Fact]
    public void A_gzip_cut_short_says_the_byte_where_the_stream_ends()
    {
        files.Text("data.txt");
        files.Sh("gzip -k data.txt");
        var cut = files.CutShort(files.PathOf("data.txt.gz"), 4096);

        Assert.Equal($"gzip: stream ends at byte {BackupFiles.SizeOf(cut)} before its trailer", ContentChecker.CheckFile(cut).Detail);
    }

    [Theory]
    [InlineData("gzip -k", "gz")]
    [InlineData("zstd -q -k", "zst")]
    [InlineData("xz -k", "xz")]
    [InlineData("bzip2 -k", "bz2")]
    public void A_flipped_byte_in_the_middle_fails(string tool, string extension)
    {
        files.Text("data.txt");
        files.Sh($"{tool} data.txt");
        var whole = files.PathOf($"data.txt.{extension}");

        var verdict = ContentChecker.CheckFile(files.Flip(whole, BackupFiles.SizeOf(whole) / 2));

        Assert.Equal(ContentCheck.Failed, verdict.Result);
    }

    [Fact]
    public void A_gzip_whose_crc_was_altered_fails_on_its_trailer()
    {
        files.Text("data.txt");
        files.Sh("gzip -k data.txt");
        var whole = files.PathOf("data.txt.gz");

        var verdict = ContentChecker.CheckFile(files.Flip(whole, BackupFiles.SizeOf(whole) - 8));

        Assert.Equal("gzip", verdict.Format);
        Assert.Contains("CRC-32", verdict.Detail);
    }

    [Fact]
    public void Concatenated_gzip_members_are_one_valid_file_and_a_cut_second_member_fails()
    {
        files.Text("a.txt", 5000);
        files.Text("b.txt", 7000);
        files.Sh("gzip -c a.txt > multi.gz && gzip -c b.txt >> multi.gz && gzip -t multi.gz");
        var multi = files.PathOf("multi.gz");

        Assert.Equal(ContentCheck.Passed, ContentChecker.CheckFile(multi).Result);
        var cut = ContentChecker.CheckFile(files.CutShort(multi, 100));
        Assert.Equal(ContentCheck.Failed, cut.Result);
        Assert.Contains("member 2", cut.Detail);
    }

    [Fact]
    public void Concatenated_zstd_frames_and_bzip2_streams_pass()
    {
        files.Text("a.txt", 3000);
        files.Text("b.txt", 4000);
        files.Sh("zstd -q -c a.txt > multi.zst && zstd -q -c b.txt >> multi.zst && bzip2 -c a.txt > multi.bz2 && bzip2 -c b.txt >> multi.bz2");

        foreach (var multi in new[] { files.PathOf("multi.zst"), files.PathOf("multi.bz2") })
        {
            Assert.Equal(ContentCheck.Passed, ContentChecker.CheckFile(multi).Result);
            // Damage in the second frame or stream is found too: the decoder does not stop after the first.
            Assert.Equal(ContentCheck.Failed, ContentChecker.CheckFile(files.Flip(multi, BackupFiles.SizeOf(multi) - 2000)).Result);
        }
    }

    [Fact]
    public void Concatenated_xz_streams_pass_and_a_damaged_second_stream_fails()
    {
        files.Text("a.txt", 3000);
        files.Text("b.txt", 4000);
        files.Sh("xz -c a.txt > multi.xz && xz -c b.txt >> multi.xz && xz -t multi.xz");
        var multi = files.PathOf("multi.xz");

        Assert.Equal(ContentVerdict.Passed("xz"), ContentChecker.CheckFile(multi));
        Assert.Equal(ContentCheck.Failed, ContentChecker.CheckFile(files.Flip(multi, BackupFiles.SizeOf(multi) - 2000)).Result);
    }

    [Fact]
    public void A_decompression_bomb_stops_as_skipped_not_as_a_verdict()
    {
        files.Sh("head -c 100000000 /dev/zero | zstd -q > zeros.zst");

        var verdict = ContentChecker.CheckFile(files.PathOf("zeros.zst"));

        Assert.Equal((ContentCheck.Skipped, "zstd"), (verdict.Result, verdict.Format));
        Assert.Contains("more than 1,000 times the file's size", verdict.Detail);
    }

    [Fact]
    public void A_file_of_unknown_format_or_encrypted_is_skipped_whatever_its_name()
    {
        files.Text("data.txt");
        files.Sh("gzip -k data.txt && openssl enc -aes-256-cbc -pbkdf2 -pass pass:x -in data.txt.gz -out sales.sql.gz.gpg && cp data.txt fake.sql.gz");

        Assert.Equal(ContentVerdict.Unrecognised, ContentChecker.CheckFile(files.PathOf("sales.sql.gz.gpg")));
        Assert.Equal(ContentVerdict.Unrecognised, ContentChecker.CheckFile(files.PathOf("fake.sql.gz")));
    }
}
