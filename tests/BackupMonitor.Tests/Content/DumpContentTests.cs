using BackupMonitor.Content;

namespace BackupMonitor.Tests.Content;

/// <summary>pg_dump's plain SQL and custom archives made against the real PostgreSQL 15, whole and damaged.</summary>
public sealed class DumpContentTests(PgDumps dumps) : IClassFixture<PgDumps>
{
    private BackupFiles Files => dumps.Files;

    [Fact]
    public void A_whole_plain_pg_dump_passes_alone_and_compressed()
    {
        Assert.Equal(ContentVerdict.Passed("postgresql_sql"), ContentChecker.CheckFile(dumps.Plain));
        Files.Sh("gzip -c dump.sql > plain.sql.gz && zstd -q -c dump.sql > plain.sql.zst && xz -c dump.sql > plain.sql.xz && bzip2 -c dump.sql > plain.sql.bz2");
        Assert.Equal(ContentVerdict.Passed("gzip+postgresql_sql"), ContentChecker.CheckFile(Files.PathOf("plain.sql.gz")));
        Assert.Equal(ContentVerdict.Passed("zstd+postgresql_sql"), ContentChecker.CheckFile(Files.PathOf("plain.sql.zst")));
        Assert.Equal(ContentVerdict.Passed("xz+postgresql_sql"), ContentChecker.CheckFile(Files.PathOf("plain.sql.xz")));
        Assert.Equal(ContentVerdict.Passed("bzip2+postgresql_sql"), ContentChecker.CheckFile(Files.PathOf("plain.sql.bz2")));
    }

    [Fact]
    public void A_plain_dump_that_stopped_half_way_fails_even_when_compressed_properly()
    {
        var half = Files.Cut(dumps.Plain, BackupFiles.SizeOf(dumps.Plain) / 2, "half.sql");
        Files.Sh("gzip -k half.sql");

        var expected = ContentVerdict.Failed("postgresql_sql", "sql: no '-- PostgreSQL database dump complete' line at the end");
        Assert.Equal(expected, ContentChecker.CheckFile(half));
        Assert.Equal(expected with { Format = "gzip+postgresql_sql" }, ContentChecker.CheckFile(Files.PathOf("half.sql.gz")));
    }

    [Fact]
    public void Mysql_and_mariadb_dumps_need_their_completion_line()
    {
        const string mysqlHeader = "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: sales\n";
        Files.Text("mysql.sql", 2000, mysqlHeader, "\n-- Dump completed on 2026-11-23  2:10:00\n");
        Files.Text("mysql-cut.sql", 2000, mysqlHeader);
        Files.Text("mariadb.sql", 2000, "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n", "-- Dump completed on 2026-11-23  2:10:00\n");

        Assert.Equal(ContentVerdict.Passed("mysql_sql"), ContentChecker.CheckFile(Files.PathOf("mysql.sql")));
        Assert.Equal(ContentVerdict.Failed("mysql_sql", "sql: no '-- Dump completed' line at the end"), ContentChecker.CheckFile(Files.PathOf("mysql-cut.sql")));
        Assert.Equal(ContentVerdict.Passed("mariadb_sql"), ContentChecker.CheckFile(Files.PathOf("mariadb.sql")));
    }

    [Fact]
    public void A_whole_custom_archive_passes_compressed_or_not_and_inside_gzip()
    {
        Assert.Equal(ContentVerdict.Passed("pg_dump_custom"), ContentChecker.CheckFile(dumps.Custom));
        Assert.Equal(ContentVerdict.Passed("pg_dump_custom"), ContentChecker.CheckFile(dumps.CustomUncompressed));
        Files.Sh("gzip -c dump-z0.custom > custom.gz");
        Assert.Equal(ContentVerdict.Passed("gzip+pg_dump_custom"), ContentChecker.CheckFile(Files.PathOf("custom.gz")));
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(1, 2)]
    [InlineData(1, 10)]
    [InlineData(99, 100)]
    public void A_custom_archive_cut_short_fails(int numerator, int denominator)
    {
        foreach (var archive in new[] { dumps.Custom, dumps.CustomUncompressed })
        {
            var cut = Files.Cut(archive, BackupFiles.SizeOf(archive) * numerator / denominator, $"{Path.GetFileName(archive)}.{numerator}of{denominator}");

            var verdict = ContentChecker.CheckFile(cut);

            Assert.Equal((ContentCheck.Failed, "pg_dump_custom"), (verdict.Result, verdict.Format));
            Assert.StartsWith("pg_dump: ", verdict.Detail);
            Files.Sh($"! pg_restore -l {Path.GetFileName(cut)} > /dev/null 2>&1 || ! pg_restore -f /dev/null {Path.GetFileName(cut)} 2> /dev/null"); // pg_restore agrees
        }
    }

    [Fact]
    public void A_custom_archive_cut_at_a_block_boundary_fails_naming_the_missing_data()
    {
        // The notes table's block ends with a zero chunk length (a sign byte and four zero bytes); the large
        // objects' block (type 3) follows. Cut right there: every block left is whole, one is missing.
        var bytes = File.ReadAllBytes(dumps.CustomUncompressed);
        var notes = bytes.AsSpan().IndexOf("2\tsecond\n"u8);
        Assert.True(notes > 0);
        var end = notes + bytes.AsSpan(notes).IndexOf((ReadOnlySpan<byte>)[0, 0, 0, 0, 0, 3]) + 5;

        var verdict = ContentChecker.CheckFile(Files.Cut(dumps.CustomUncompressed, end, "boundary.custom"));

        Assert.Equal(ContentVerdict.Failed("pg_dump_custom", $"pg_dump: the archive ends at byte {end} without the data of TOC entry {BlobsId()} (BLOBS BLOBS)"), verdict);
    }

    /// <summary>The dump id of the large objects' data entry, as pg_restore lists it (`4; 0 0 BLOBS - BLOBS`… its first number).</summary>
    private int BlobsId()
    {
        Files.Sh("pg_restore -l dump-z0.custom | grep ' BLOBS ' | head -1 | cut -d';' -f1 > blobs.txt");
        return int.Parse(File.ReadAllText(Files.PathOf("blobs.txt")).Trim());
    }

    [Fact]
    public void Random_cuts_of_a_custom_archive_never_pass_and_random_flips_never_throw()
    {
        var random = new Random(16);
        foreach (var archive in new[] { dumps.Custom, dumps.CustomUncompressed })
        {
            var size = BackupFiles.SizeOf(archive);
            for (var i = 0; i < 20; i++)
            {
                var length = random.NextInt64(1, size);
                Assert.NotEqual(ContentCheck.Passed, ContentChecker.CheckFile(Files.Cut(archive, length, $"fuzz-cut-{i}")).Result);
                // A flip in the table of contents' text (a definition, a name) is undetectable: pg_dump keeps no checksum there.
                ContentChecker.CheckFile(Files.Flip(archive, random.NextInt64(0, size), $"fuzz-flip-{i}"));
            }
        }
    }

    [Fact]
    public void A_flipped_byte_in_compressed_table_data_fails()
    {
        var verdict = ContentChecker.CheckFile(Files.Flip(dumps.Custom, BackupFiles.SizeOf(dumps.Custom) * 3 / 4));

        Assert.Equal((ContentCheck.Failed, "pg_dump_custom"), (verdict.Result, verdict.Format));
        Assert.Contains("TABLE DATA public items", verdict.Detail);
    }
}
