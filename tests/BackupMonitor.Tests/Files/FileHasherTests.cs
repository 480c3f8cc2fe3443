using System.Security.Cryptography;
using BackupMonitor.Files;

namespace BackupMonitor.Tests.Files;

/// <summary>Hashing streams through a fixed buffer; the result must equal a one-shot SHA-256 of the whole file.</summary>
public class FileHasherTests
{
    [Fact]
    public async Task Hashing_a_file_larger_than_the_buffer_gives_its_sha256_and_size()
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var content = new byte[FileHasher.BufferSize * 3 + 12_345];
            new Random(42).NextBytes(content);
            var path = Path.Combine(folder, "big.bin");
            await File.WriteAllBytesAsync(path, content);

            var digest = FileHasher.Hash(path);

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), digest.Sha256);
            Assert.Equal(content.Length, digest.Size);
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task Hashing_with_the_content_check_gives_the_digest_of_hashing_alone()
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var content = new byte[FileHasher.BufferSize * 2 + 7];
            new Random(7).NextBytes(content);
            var path = Path.Combine(folder, "random.bin");
            await File.WriteAllBytesAsync(path, content);

            var plain = FileHasher.Hash(path);
            var checkedToo = await FileHasher.HashAndCheckAsync(path);

            Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(content)), (long)content.Length), (plain.Sha256, plain.Size));
            Assert.Equal((plain.Sha256, plain.Size), (checkedToo.Sha256, checkedToo.Size));
            Assert.Null(plain.Content);
            Assert.NotNull(checkedToo.Content);
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task Hashing_while_copying_gives_the_digest_of_hashing_alone_and_a_byte_identical_copy()
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var content = new byte[FileHasher.BufferSize * 2 + 99];
            new Random(3).NextBytes(content);
            var path = Path.Combine(folder, "staged.bin");
            await File.WriteAllBytesAsync(path, content);
            var copy = Path.Combine(folder, "validated", "copy.bin");

            var (digest, error) = await FileHasher.HashAndCopyAsync(path, copy, checkContent: false, CancellationToken.None);

            Assert.Null(error);
            Assert.Equal(FileHasher.Hash(path), digest);
            Assert.Equal(content, await File.ReadAllBytesAsync(copy));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task A_copy_that_cannot_be_written_is_reported_the_read_still_counts_and_a_file_already_there_is_left_alone()
    {
        var folder = TestSite.NewTempFolder();
        try
        {
            var path = Path.Combine(folder, "staged.bin");
            await File.WriteAllTextAsync(path, "backup");
            var taken = Path.Combine(folder, "taken.bin");
            await File.WriteAllTextAsync(taken, "someone else's");

            var (digest, error) = await FileHasher.HashAndCopyAsync(path, taken, checkContent: true, CancellationToken.None);

            Assert.IsAssignableFrom<IOException>(error);
            Assert.Equal(FileHasher.Hash(path).Sha256, digest.Sha256);
            Assert.Equal("someone else's", await File.ReadAllTextAsync(taken));
        }
        finally
        {
            TestSite.DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task Hashing_an_empty_file_gives_the_sha256_of_nothing()
    {
        var digest = await FileHasher.HashAsync(new MemoryStream());

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest.Sha256);
        Assert.Equal(0, digest.Size);
    }
}
