using BackupMonitor.Tests.Content;
using Microsoft.Data.Sqlite;

namespace BackupMonitor.Tests.Drills;

/// <summary>SPEC §13 without a drill server: a real SQLite file (good, and with a damaged page), tar and zip archives.</summary>
public sealed class FileDrillTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    /// <summary>A real SQLite database of two tables (1,000 and 3 rows) in rollback-journal mode, of 4 KiB pages.</summary>
    private string SqliteDatabase(string name)
    {
        var path = files.PathOf(name);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "PRAGMA page_size = 4096; CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL); CREATE INDEX items_label ON items (label);" +
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO items SELECT i, printf('item %05d %s', i, hex(randomblob(40))) FROM n;" +
                "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('a'), ('b'), ('c');";
            command.ExecuteNonQuery();
        }
        return path;
    }

    [Fact]
    public async Task A_sqlite_database_gzipd_passes_its_integrity_check_with_its_tables_and_rows()
    {
        SqliteDatabase("app.db");
        files.Sh("gzip -k app.db");
        using var site = new DrillSite();
        var job = await site.ValidatedBackupAsync("app", files.PathOf("app.db.gz"));

        var drill = await site.RunDrillAsync(job);

        Assert.Equal(("passed", 2, 1003L), DrillSite.Outcome(drill));
        Assert.Equal("gzip+sqlite", drill.GetProperty("format").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(site.Site.Folder, "data", "drills")));
    }

    [Fact]
    public async Task A_sqlite_database_with_a_damaged_page_fails_its_integrity_check()
    {
        var path = SqliteDatabase("damaged.db");
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 6 * 4096);
        // Page 4 (a b-tree page of the data): its header overwritten with garbage.
        for (var i = 3 * 4096; i < 3 * 4096 + 64; i++) bytes[i] = 0x5A;
        await File.WriteAllBytesAsync(path, bytes);
        using var site = new DrillSite();
        var job = await site.ValidatedBackupAsync("app", path);

        var drill = await site.RunDrillAsync(job);

        Assert.Equal("failed", drill.GetProperty("status").GetString());
        Assert.StartsWith("sqlite: ", DrillSite.Detail(drill));
        // Its backups are fine (status ok), but a job whose last drill failed counts as failing: it can be acknowledged.
        Assert.Equal(0, (await site.Site.RunAsync("jobs", "ack", job.ToString())).ExitCode);
    }

    [Fact]
    public async Task A_tar_and_a_zip_are_read_to_the_end_member_by_member()
    {
        files.Text("a.txt", 5_000);
        files.Text("b.txt", 7_000);
        files.Sh("ln -s /etc/passwd link && tar czf site.tar.gz a.txt b.txt link && " +
                 "/usr/bin/python3 -c \"import zipfile; z = zipfile.ZipFile('site.zip', 'w', zipfile.ZIP_DEFLATED); z.write('a.txt'); z.write('b.txt'); z.close()\"");
        var size = new FileInfo(files.PathOf("a.txt")).Length + new FileInfo(files.PathOf("b.txt")).Length;
        using var site = new DrillSite();
        var tar = await site.ValidatedBackupAsync("files", files.PathOf("site.tar.gz"));
        var zip = await site.ValidatedBackupAsync("archive", files.PathOf("site.zip"));

        var tarDrill = await site.RunDrillAsync(tar);
        var zipDrill = await site.RunDrillAsync(zip);

        Assert.Equal(("passed", "gzip+tar", $"3 members read, {size:N0} bytes"),
            (tarDrill.GetProperty("status").GetString(), tarDrill.GetProperty("format").GetString(), DrillSite.Detail(tarDrill)));
        Assert.Equal(("passed", "zip", $"2 members read, {size:N0} bytes"),
            (zipDrill.GetProperty("status").GetString(), zipDrill.GetProperty("format").GetString(), DrillSite.Detail(zipDrill)));
    }

    [Fact]
    public async Task A_file_of_no_known_format_is_skipped_saying_why_and_drills_list_shows_every_drill()
    {
        var path = files.PathOf("blob.bin");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray());
        using var site = new DrillSite();
        var job = await site.ValidatedBackupAsync("blob", path);

        var drill = await site.RunDrillAsync(job);

        Assert.Equal("skipped", drill.GetProperty("status").GetString());
        Assert.Equal("format not recognised from the first bytes: nothing to restore", DrillSite.Detail(drill));
        var list = await site.Site.RunAsync("drills", "list", "--status", "skipped");
        Assert.Contains("format not recognised", list.Out);
        Assert.Contains("\"last_drill_status\": \"skipped\"", (await site.Site.RunAsync("jobs", "list", "--format", "json")).Out);
    }
}
