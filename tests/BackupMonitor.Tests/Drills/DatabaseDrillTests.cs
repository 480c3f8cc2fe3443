using BackupMonitor.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Drills;

/// <summary>
/// SPEC §13 on a real PostgreSQL 15 (source and drill server): dumps made by pg_dump restore with their exact table and
/// row counts and the drill database is dropped; a damaged dump that passes the content check fails the drill with
/// the tool's own error; a dump that asks for what a drill never does is refused.
/// </summary>
[Collection(DrillServerFixture.Collection)]
public sealed class DatabaseDrillTests(DrillServerFixture server) : IClassFixture<DrillServerFixture>
{
    [Theory]
    [InlineData("dump.custom", "pg_dump_custom")]
    [InlineData("dump.sql", "postgresql_sql")]
    [InlineData("dump.sql.gz", "gzip+postgresql_sql")]
    [InlineData("dump.sql.zst", "zstd+postgresql_sql")]
    public async Task A_pg_dump_restores_with_its_exact_tables_and_rows_and_the_drill_database_is_dropped(string file, string format)
    {
        using var site = new DrillSite(server.ConnectionString);
        var job = await site.ValidatedBackupAsync("sales", server.Files.PathOf(file));

        var drill = await site.RunDrillAsync(job);

        Assert.Equal(("passed", DrillServerFixture.Tables, DrillServerFixture.Rows), DrillSite.Outcome(drill));
        Assert.Equal(format, drill.GetProperty("format").GetString());
        Assert.True(drill.GetProperty("duration_ms").GetInt64() >= 0);
        Assert.DoesNotContain($"bm_drill_{drill.GetProperty("id").GetInt32()}", await DrillServerFixture.DrillDatabasesAsync());
        var jobs = await site.Site.RunAsync("jobs", "list", "--format", "json");
        Assert.Contains("\"last_drill_status\": \"passed\"", jobs.Out);
    }

    [Fact]
    public async Task A_plain_dump_with_one_broken_statement_passes_the_content_check_and_fails_the_drill_with_psqls_error()
    {
        var broken = server.Files.PathOf("broken.sql");
        var text = await File.ReadAllTextAsync(server.Plain);
        Assert.Contains("CREATE TABLE public.notes (", text);
        await File.WriteAllTextAsync(broken, text.Replace("CREATE TABLE public.notes (", "CREATE TABLEX public.notes ("));
        using var site = new DrillSite(server.ConnectionString);
        var job = await site.ValidatedBackupAsync("sales", broken);
        Assert.Equal(ContentCheck.Passed, (await site.Site.EntriesAsync()).Single().ContentCheck);

        var drill = await site.RunDrillAsync(job);

        Assert.Equal("failed", drill.GetProperty("status").GetString());
        Assert.Contains("ERROR:  syntax error at or near \"TABLEX\"", DrillSite.Detail(drill));
        Assert.DoesNotContain($"bm_drill_{drill.GetProperty("id").GetInt32()}", await DrillServerFixture.DrillDatabasesAsync());
    }

    [Fact]
    public async Task A_custom_archive_that_decodes_but_needs_an_extension_the_drill_role_cannot_create_fails_with_pg_restores_message()
    {
        await using var source = await Scale.PostgresTestDatabase.CreateAsync();
        await DrillServerFixture.ExecuteAsync(source.ConnectionString,
            "CREATE EXTENSION pg_stat_statements; CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);");
        server.Files.Sh($"pg_dump -Fc {DrillServerFixture.Target(source.Name)} -f extension.custom");
        Assert.Equal(ContentCheck.Passed, BackupMonitor.Content.ContentChecker.CheckFile(server.Files.PathOf("extension.custom")).Result);
        using var site = new DrillSite(server.ConnectionString);
        var job = await site.ValidatedBackupAsync("sales", server.Files.PathOf("extension.custom"));

        var drill = await site.RunDrillAsync(job);

        Assert.Equal("failed", drill.GetProperty("status").GetString());
        Assert.Contains("pg_restore: error: could not execute query: ERROR:  permission denied to create extension \"pg_stat_statements\"", DrillSite.Detail(drill));
    }

    [Fact]
    public async Task A_plain_dump_with_a_psql_meta_command_is_refused_and_the_command_never_runs()
    {
        var marker = Path.Combine(server.Files.Folder, $"ran-{Guid.NewGuid():N}");
        var text = await File.ReadAllTextAsync(server.Plain);
        var hostile = server.Files.PathOf("hostile.sql");
        await File.WriteAllTextAsync(hostile, text.Replace("CREATE TABLE public.notes (", $"\\! touch {marker}\nCREATE TABLE public.notes ("));
        using var site = new DrillSite(server.ConnectionString);
        var job = await site.ValidatedBackupAsync("sales", hostile);

        var drill = await site.RunDrillAsync(job);

        Assert.Equal("failed", drill.GetProperty("status").GetString());
        Assert.Contains("a psql meta-command ('\\!') outside COPY data", DrillSite.Detail(drill));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Without_a_drill_server_a_dump_is_skipped_saying_so_and_does_not_count_toward_the_interval()
    {
        using var site = new DrillSite();
        var job = await site.ValidatedBackupAsync("sales", server.Custom);

        var drill = await site.RunDrillAsync(job);

        Assert.Equal("skipped", drill.GetProperty("status").GetString());
        Assert.Contains("DRILL_POSTGRES_CONNECTION_STRING", DrillSite.Detail(drill));
        await using var services = await site.Site.ServicesAsync();
        await using var scope = services.CreateAsyncScope();
        var candidate = Assert.Single(await scope.ServiceProvider.GetRequiredService<DrillStore>().CandidatesAsync(job, CancellationToken.None));
        Assert.Null(candidate.LastCountedDrillUtc);
    }
}
