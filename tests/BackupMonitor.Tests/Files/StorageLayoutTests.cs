using BackupMonitor.Files;

namespace BackupMonitor.Tests.Files;

/// <summary>SPEC §4: the paths of every area, and the `-1` suffix for names already taken.</summary>
public class StorageLayoutTests
{
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 5, DateTimeKind.Utc);

    [Fact]
    public void A_backup_goes_under_agent_and_database_with_its_operation_time_as_prefix()
    {
        Assert.Equal("ACME_Paris_Centre/sales/20261123T021005Z_sales.sql.gz",
            StorageLayout.BackupRelativePath("ACME_Paris_Centre", "sales", Operation, "sales.sql.gz"));
    }

    [Fact]
    public void A_processed_report_is_archived_under_the_day_of_its_report_timestamp()
    {
        Assert.Equal("ACME_Paris_Centre/20261123/STATUS.json", StorageLayout.ArchiveRelativePath("ACME_Paris_Centre", Operation, "STATUS.json"));
        Assert.Equal("ACME_Paris_Centre/reports/STATUS.json", StorageLayout.QuarantinedReportRelativePath("ACME_Paris_Centre", "STATUS.json"));
    }

    [Theory]
    [InlineData("a/b/20261123T021005Z_sales.sql.gz", "a/b/20261123T021005Z_sales-1.sql.gz", "a/b/20261123T021005Z_sales-2.sql.gz")]
    [InlineData("a/20261123/STATUS.json", "a/20261123/STATUS-1.json", "a/20261123/STATUS-2.json")]
    [InlineData("a/b/dump", "a/b/dump-1", "a/b/dump-2")]
    public void Candidate_names_suffix_before_the_first_dot_of_the_file_name(string name, string first, string second)
    {
        Assert.Equal([name, first, second], StorageLayout.Candidates(name).Take(3));
    }

    [Fact]
    public void The_free_path_skips_every_name_already_taken()
    {
        var area = TestSite.NewTempFolder();
        try
        {
            Directory.CreateDirectory(Path.Combine(area, "a"));
            File.WriteAllText(Path.Combine(area, "a", "x_sales.sql.gz"), "");
            File.WriteAllText(Path.Combine(area, "a", "x_sales-1.sql.gz"), "");

            Assert.Equal("a/x_sales-2.sql.gz", StorageLayout.FreeRelativePath(area, "a/x_sales.sql.gz"));
            Assert.Equal("a/other.sql.gz", StorageLayout.FreeRelativePath(area, "a/other.sql.gz"));
        }
        finally
        {
            TestSite.DeleteFolder(area);
        }
    }
}
