using System.Security.Cryptography;
using BackupMonitor.Content;
using BackupMonitor.Files;

namespace BackupMonitor.Tests.Content;

/// <summary>
/// The content check inside the hashing read: files larger than the read buffer are decoded on another thread
/// from the reader's buffers, and the hash is the same as without the check.
/// </summary>
public sealed class ContentFeedTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    private string BigGzip()
    {
        files.Text("big.txt", 400_000, "--\n-- PostgreSQL database dump\n--\n", "--\n-- PostgreSQL database dump complete\n--\n\n");
        files.Sh("gzip -k big.txt");
        var path = files.PathOf("big.txt.gz");
        Assert.True(BackupFiles.SizeOf(path) > 3 * FileHasher.BufferSize, "the file must span several read buffers");
        return path;
    }

    [Fact]
    public async Task A_file_of_several_buffers_is_hashed_and_checked_in_one_read()
    {
        var path = BigGzip();

        var digest = await FileHasher.HashAndCheckAsync(path);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), digest.Sha256);
        Assert.Equal(BackupFiles.SizeOf(path), digest.Size);
        Assert.Equal(ContentVerdict.Passed("gzip+postgresql_sql"), digest.Content);
    }

    [Fact]
    public async Task A_large_file_cut_short_is_failed_by_the_hashing_read()
    {
        var cut = files.CutShort(BigGzip(), 4096);

        var digest = await FileHasher.HashAndCheckAsync(cut);

        Assert.Equal(ContentVerdict.Failed("gzip+postgresql_sql", $"gzip: stream ends at byte {BackupFiles.SizeOf(cut)} before its trailer"), digest.Content);
        Assert.Equal(BackupFiles.SizeOf(cut), digest.Size);
    }

    [Fact]
    public async Task A_failure_found_early_still_hashes_the_whole_file()
    {
        // The flip is in the first buffer: the check stops there, the reader goes on to the end.
        var flipped = files.Flip(BigGzip(), 5000);

        var digest = await FileHasher.HashAndCheckAsync(flipped);

        Assert.Equal(ContentCheck.Failed, digest.Content!.Result);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(flipped))), digest.Sha256);
    }

    [Fact]
    public async Task Small_files_unknown_formats_and_no_check()
    {
        files.Text("small.txt", 100);
        files.Sh("gzip -k small.txt");

        Assert.Equal(ContentVerdict.Passed("gzip"), (await FileHasher.HashAndCheckAsync(files.PathOf("small.txt.gz"))).Content);
        Assert.Equal(ContentVerdict.Unrecognised, (await FileHasher.HashAndCheckAsync(files.PathOf("small.txt"))).Content);
        Assert.Null(FileHasher.Hash(files.PathOf("small.txt.gz")).Content);
        File.WriteAllBytes(files.PathOf("empty"), []);
        Assert.Equal(ContentVerdict.Unrecognised, (await FileHasher.HashAndCheckAsync(files.PathOf("empty"))).Content);
    }

    [Fact]
    public async Task A_large_zip_is_checked_by_a_second_read_after_the_hash()
    {
        files.Text("a.txt", 200_000);
        files.Sh("python3 -c \"import zipfile\nwith zipfile.ZipFile('big.zip', 'w', zipfile.ZIP_STORED) as z: z.write('a.txt')\"");

        var digest = await FileHasher.HashAndCheckAsync(files.PathOf("big.zip"));

        Assert.Equal(ContentVerdict.Passed("zip"), digest.Content);
    }
}
