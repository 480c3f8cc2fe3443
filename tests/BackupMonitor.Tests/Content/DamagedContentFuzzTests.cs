using BackupMonitor.Content;

namespace BackupMonitor.Tests.Content;

/// <summary>
/// Any damage, anywhere: the checkers answer with a verdict and never throw, and a cut file never passes
/// (none of these files can end early at a valid boundary: each is one stream, one archive; a plain tar is
/// only cut before its final zero blocks).
/// </summary>
public sealed class DamagedContentFuzzTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData("gzip -k data.txt", "data.txt.gz")]
    [InlineData("zstd -q -k data.txt", "data.txt.zst")]
    [InlineData("xz -k data.txt", "data.txt.xz")]
    [InlineData("bzip2 -k data.txt", "data.txt.bz2")]
    [InlineData("tar cf data.tar data.txt", "data.tar")]
    [InlineData("tar czf data.tgz data.txt", "data.tgz")]
    [InlineData("python3 -c \"import zipfile\nwith zipfile.ZipFile('data.zip', 'w', zipfile.ZIP_DEFLATED) as z: z.write('data.txt')\"", "data.zip")]
    public void Random_cuts_and_flipped_bytes_give_a_verdict_and_cuts_never_pass(string make, string name)
    {
        files.Text("data.txt", 3000, "--\n-- PostgreSQL database dump\n--\n", "--\n-- PostgreSQL database dump complete\n--\n");
        files.Sh(make);
        var whole = files.PathOf(name);
        var size = BackupFiles.SizeOf(whole);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        Assert.Equal(ContentCheck.Passed, ContentChecker.CheckFile(whole).Result);

        for (var i = 0; i < 25; i++)
        {
            // A plain tar ends with zero blocks (the marker, then padding to a 10 KiB record): cutting only zeros is no damage.
            var length = random.NextInt64(1, name == "data.tar" ? size - 11_264 : size - 1);
            var cut = ContentChecker.CheckFile(files.Cut(whole, length, $"cut{i}"));
            Assert.True(cut.Result != ContentCheck.Passed, $"{name} cut to {length} bytes passed");

            var flipped = ContentChecker.CheckFile(files.Flip(whole, random.NextInt64(0, size), $"flip{i}"));
            Assert.NotNull(flipped.Detail is null ? flipped.Format ?? "unrecognised" : flipped.Detail);
        }
    }
}
