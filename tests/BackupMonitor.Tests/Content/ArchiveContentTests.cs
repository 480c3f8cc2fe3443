using BackupMonitor.Content;

namespace BackupMonitor.Tests.Content;

/// <summary>tar (alone and compressed) and zip files made by the real tools, whole and damaged.</summary>
public sealed class ArchiveContentTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    private string Tar()
    {
        Directory.CreateDirectory(files.PathOf("site"));
        File.Move(files.Text("a.txt", 20_000), files.PathOf("site/a.txt"));
        File.Move(files.Text("b.txt", 300), files.PathOf("site/b.txt"));
        files.Sh("tar cf site.tar site/a.txt site/b.txt");
        return files.PathOf("site.tar");
    }

    [Fact]
    public void A_whole_tar_passes()
    {
        Assert.Equal(ContentVerdict.Passed("tar"), ContentChecker.CheckFile(Tar()));
    }

    [Fact]
    public void A_tar_without_its_end_of_archive_marker_fails()
    {
        var tar = Tar();
        // The data of the last entry ends 1024 bytes (the marker) plus the record padding before the end: keep up to it.
        files.Sh("python3 -c \"import tarfile; m = tarfile.open('site.tar').getmembers()[-1]; print(m.offset_data + (m.size + 511) // 512 * 512)\" > end.txt");
        var end = long.Parse(File.ReadAllText(files.PathOf("end.txt")).Trim());

        var verdict = ContentChecker.CheckFile(files.Cut(tar, end));

        Assert.Equal(ContentCheck.Failed, verdict.Result);
        Assert.Equal($"tar: the archive ends at byte {end}, after 2 entries (last 'site/b.txt'), without its end-of-archive marker", verdict.Detail);
    }

    [Fact]
    public void A_tar_cut_inside_an_entry_fails()
    {
        var verdict = ContentChecker.CheckFile(files.Cut(Tar(), 300_000));

        Assert.Equal((ContentCheck.Failed, "tar"), (verdict.Result, verdict.Format));
        Assert.Contains("ends at byte", verdict.Detail);
    }

    [Fact]
    public void A_tar_header_with_a_bad_checksum_fails()
    {
        // Byte 5 of the first header is in the name: the header's checksum no longer matches.
        var verdict = ContentChecker.CheckFile(files.Flip(Tar(), 5));

        Assert.Equal(ContentCheck.Failed, verdict.Result);
        Assert.Equal("tar: header 1 at byte 0 is damaged (its checksum does not match)", verdict.Detail);
    }

    [Theory]
    [InlineData("gzip -k site.tar", "site.tar.gz", "gzip+tar")]
    [InlineData("zstd -q -k site.tar", "site.tar.zst", "zstd+tar")]
    [InlineData("xz -k site.tar", "site.tar.xz", "xz+tar")]
    [InlineData("bzip2 -k site.tar", "site.tar.bz2", "bzip2+tar")]
    public void A_tar_inside_a_compressed_file_is_walked_too(string compress, string name, string format)
    {
        var tar = Tar();
        Assert.Equal(ContentVerdict.Passed(format), ContentChecker.CheckFile(Compress(compress, name)));

        // A tar without its end marker, compressed whole: the compression is fine, the tar inside is not.
        files.Cut(tar, BackupFiles.SizeOf(tar) - 10240, "cut.tar");
        files.Sh(compress.Replace("site.tar", "cut.tar"));
        var inner = ContentChecker.CheckFile(files.PathOf(name.Replace("site.tar", "cut.tar")));
        Assert.Equal((ContentCheck.Failed, format), (inner.Result, inner.Format));
        Assert.StartsWith($"{format}: the archive ends at byte", inner.Detail);
    }

    private string Compress(string command, string name)
    {
        files.Sh(command);
        return files.PathOf(name);
    }

    private string Zip()
    {
        files.Text("a.txt", 5000);
        files.Text("b.txt", 2000);
        files.Sh("python3 -c \"import zipfile\nwith zipfile.ZipFile('site.zip', 'w') as z:\n  z.write('a.txt', compress_type=zipfile.ZIP_DEFLATED)\n  z.write('b.txt', compress_type=zipfile.ZIP_STORED)\"");
        return files.PathOf("site.zip");
    }

    [Fact]
    public void A_whole_zip_passes()
    {
        Assert.Equal(ContentVerdict.Passed("zip"), ContentChecker.CheckFile(Zip()));
    }

    [Fact]
    public void A_zip_with_a_damaged_entry_fails_naming_the_entry()
    {
        var zip = Zip();
        files.Sh("python3 -c \"import zipfile; i = zipfile.ZipFile('site.zip').getinfo('b.txt'); print(i.header_offset + 30 + len(i.filename) + len(i.extra) + 100)\" > offset.txt");
        var offset = long.Parse(File.ReadAllText(files.PathOf("offset.txt")).Trim());

        var verdict = ContentChecker.CheckFile(files.Flip(zip, offset));

        Assert.Equal(ContentVerdict.Failed("zip", "zip: entry 2 'b.txt' fails its CRC-32 check"), verdict);
    }

    [Fact]
    public void A_zip_cut_short_has_no_central_directory()
    {
        var verdict = ContentChecker.CheckFile(files.CutShort(Zip(), 200));

        Assert.Equal((ContentCheck.Failed, "zip"), (verdict.Result, verdict.Format));
        Assert.StartsWith("zip: the central directory cannot be read", verdict.Detail);
    }
}
