using Microsoft.EntityFrameworkCore.Migrations;

namespace BackupMonitor.Persistence;

/// <summary>
/// The overview's company filter (Dashboard/JobList.Filter) is `company_name = @c OR lower(company_name) = @lower`
/// (exact, or case-insensitive for ASCII): with this index beside `ix_expected_backup_jobs_listing` (company first),
/// both databases answer each side from an index instead of reading every job — at 100,000 jobs on PostgreSQL a
/// parallel sequential scan of 107–153 ms for the page and as much for its count (bench/README, "Issue 22 (fifth
/// session)"). Not in the EF model (EF has no expression indexes), so created by its migration.
/// </summary>
public static class JobCompanyIndex
{
    public const string Name = "ix_expected_backup_jobs_company_lower";

    public static void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql($"CREATE INDEX {Name} ON expected_backup_jobs (lower(company_name))");

    public static void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql($"DROP INDEX {Name}");
}
