using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Scanning;

/// <summary>SPEC §4: where promoted files go, and what happens when they cannot go there.</summary>
public class PromotionTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);
    private const string ValidatedName = "20261123T021000Z_sales.sql.gz";

    [Fact]
    public async Task Scan_suffixes_the_name_before_the_first_dot_when_validated_already_holds_that_name()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        var occupied = Path.Combine(site.Validated, Agent, "sales", ValidatedName);
        Directory.CreateDirectory(Path.GetDirectoryName(occupied)!);
        File.WriteAllText(occupied, "someone else's file");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal($"{Agent}/sales/20261123T021000Z_sales-1.sql.gz", entry.ValidatedPath);
        Assert.Equal("someone else's file", File.ReadAllText(occupied));
        Assert.Equal("the dump", File.ReadAllText(Path.Combine(site.Validated, Agent, "sales", "20261123T021000Z_sales-1.sql.gz")));
    }

    [Fact]
    public async Task Scan_records_failed_and_keeps_the_staged_file_when_validated_is_unwritable()
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Agent, "sales");
        MakeUnwritable(site.Validated, Agent);
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8));

        var summary = await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Failed, entry.Status);
        Assert.StartsWith("Échec de la promotion de la sauvegarde : ", entry.ErrorMessage);
        Assert.Null(entry.ValidatedPath);
        Assert.Equal("the dump", File.ReadAllText(site.StagedPath(Agent, "sales.sql.gz")));
        Assert.Equal(JobStatus.Failed, (await site.JobAsync(job.Id)).CurrentStatus);
        Assert.Equal(1, summary.ByStatus[BackupEntryStatus.Failed]);
    }

    /// <summary>
    /// chmod 0555 on the validated root; when that does not stop writes (tests running as root), a regular
    /// file where the agent's folder must go makes the destination unusable just the same.
    /// </summary>
    private static void MakeUnwritable(string validated, string agentId)
    {
        var blocker = Path.Combine(validated, agentId);
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(blocker, "a file where a folder must be");
            return;
        }
        File.SetUnixFileMode(validated, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var probe = Path.Combine(validated, "probe");
        try
        {
            File.WriteAllText(probe, "");
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        File.Delete(probe);
        File.SetUnixFileMode(validated, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(blocker, "a file where a folder must be");
    }

    [Fact]
    public async Task Scan_records_failed_for_a_symlinked_backup_and_never_touches_its_target()
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Agent, "sales");
        var outside = Path.Combine(site.Root, "secret.sql.gz");
        File.WriteAllText(outside, "not for you");
        var link = site.StagedPath(Agent, "sales.sql.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, outside);
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", TestSite.Sha256("not for you"u8.ToArray()), 11));

        var summary = await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Failed, entry.Status);
        Assert.Contains("lien symbolique", entry.ErrorMessage);
        Assert.Null(entry.ServerCalculatedStagedHash);
        Assert.Equal(0, summary.BytesVerified);
        Assert.Equal("not for you", File.ReadAllText(outside));
        Assert.NotNull(new FileInfo(link).LinkTarget); // the link itself stays in staging
        Assert.Empty(TestSite.FilesUnder(site.Validated));
        Assert.Empty(TestSite.FilesUnder(site.Quarantine));
        Assert.Equal(JobStatus.Failed, (await site.JobAsync(job.Id)).CurrentStatus);
    }

    [Fact]
    public async Task Scan_records_missing_when_the_staged_file_vanishes_before_it_is_hashed()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8));

        var summary = await site.ScanAsync(scope => scope.GetRequiredService<LineFiles>().BeforeHashing = File.Delete);

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Missing, entry.Status);
        Assert.Contains("a disparu pendant le scan", entry.ErrorMessage);
        Assert.Contains("'sales.sql.gz'", entry.ErrorMessage);
        Assert.Equal(1, summary.EntriesCreated);
        Assert.Empty(TestSite.FilesUnder(site.Validated));
    }

    [Fact]
    public async Task Rescanning_the_same_tree_creates_no_new_entry_and_no_new_file()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        await site.AddJobAsync(Agent, "hr");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        var report = site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8), ReportJson.Failed("hr", Operation, "disk full"));
        var text = File.ReadAllText(report);
        await site.ScanAsync();
        var entriesBefore = await site.EntriesAsync();
        var filesBefore = AllStoredFiles(site);

        var again = await site.ScanAsync();
        // The agent sends the very same report once more.
        site.WriteReport(Agent, text);
        var resent = await site.ScanAsync();

        Assert.Equal(0, again.EntriesCreated);
        Assert.Equal(0, resent.EntriesCreated);
        Assert.Equal(entriesBefore.Select(e => e.Id), (await site.EntriesAsync()).Select(e => e.Id));
        Assert.Equal(filesBefore, AllStoredFiles(site));
        Assert.False(File.Exists(report));
    }

    private static List<string> AllStoredFiles(TestSite site) =>
        [.. TestSite.FilesUnder(site.Validated).Select(f => "validated/" + f),
         .. TestSite.FilesUnder(site.Archive).Select(f => "archive/" + f),
         .. TestSite.FilesUnder(site.Quarantine).Select(f => "quarantine/" + f)];
}
