using System.IO.Compression;
using System.Text;
using BackupMonitor.Files;

namespace BackupMonitor.Tests.Scanning;

/// <summary>SPEC §5.1 across filesystems: the hashing read also checks the content and writes the validated copy.</summary>
public class OneReadCopyTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);
    private const string ValidatedRelative = $"{Agent}/sales/20261123T021000Z_sales.sql.gz";

    private static byte[] Gzip(int lines)
    {
        var sql = new StringBuilder("--\n-- PostgreSQL database dump\n--\n");
        for (var i = 0; i < lines; i++) sql.Append($"INSERT INTO t VALUES ({i}, '{Guid.NewGuid()}');\n");
        sql.Append("--\n-- PostgreSQL database dump complete\n--\n");
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(sql.ToString()));
        return output.ToArray();
    }

    private static async Task<TestSite> SiteAsync(byte[] content)
    {
        var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", content);
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, content.Length));
        return site;
    }

    private static async Task ScanAcrossFilesystemsAsync(TestSite site)
    {
        site.Faults.ForceCopy = true;
        try
        {
            await site.ScanAsync();
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }
    }

    [Fact]
    public async Task A_good_backup_is_promoted_with_the_copy_made_by_the_hashing_read()
    {
        var content = Gzip(60_000);
        Assert.True(content.Length > 2 * FileHasher.BufferSize);
        await using var site = await SiteAsync(content);
        var readingCopies = site.Faults.ReadingCopies = new();
        await ScanAcrossFilesystemsAsync(site);

        Assert.NotEmpty(readingCopies); // the report was copied by a second read
        Assert.DoesNotContain(site.StagedPath(Agent, "sales.sql.gz"), readingCopies); // the backup was not
        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal((BackupEntryStatus.Success, ContentCheck.Passed, ValidatedRelative), (entry.Status, entry.ContentCheck, entry.ValidatedPath));
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated)); // no temporary copy left
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(site.Validated, ValidatedRelative)));
        Assert.False(File.Exists(site.StagedPath(Agent, "sales.sql.gz")));
    }

    [Fact]
    public async Task A_corrupt_backup_copied_during_the_read_is_quarantined_and_its_copy_dropped()
    {
        var whole = Gzip(60_000);
        await using var site = await SiteAsync(whole[..(whole.Length * 2 / 3)]);

        await ScanAcrossFilesystemsAsync(site);

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Corrupt, entry.Status);
        Assert.Empty(TestSite.FilesUnder(site.Validated));
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Quarantine));
        Assert.DoesNotContain(TestSite.FilesUnder(site.Staging), f => f.Contains("/database/"));
    }
}
