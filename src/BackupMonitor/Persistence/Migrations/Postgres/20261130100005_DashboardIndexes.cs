using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_expected_backup_jobs_listing",
                table: "expected_backup_jobs",
                columns: new[] { "company_name", "city", "neighborhood", "database_name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_backup_entries_job_newest",
                table: "backup_entries",
                columns: new[] { "expected_job_id", "created_at_utc", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_backup_entries_status_time_job",
                table: "backup_entries",
                columns: new[] { "status", "agent_report_timestamp_utc", "expected_job_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_expected_backup_jobs_listing",
                table: "expected_backup_jobs");

            migrationBuilder.DropIndex(
                name: "ix_backup_entries_job_newest",
                table: "backup_entries");

            migrationBuilder.DropIndex(
                name: "ix_backup_entries_status_time_job",
                table: "backup_entries");
        }
    }
}
