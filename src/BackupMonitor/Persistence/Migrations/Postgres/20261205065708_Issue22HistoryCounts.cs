using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue22HistoryCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_scan_runs_newest",
                table: "scan_runs",
                columns: new[] { "finished_at_utc", "id" });

            BackupMonitor.Persistence.HistoryCountsSchema.CreatePostgres(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            BackupMonitor.Persistence.HistoryCountsSchema.Drop(migrationBuilder, postgres: true);

            migrationBuilder.DropIndex(
                name: "ix_scan_runs_newest",
                table: "scan_runs");
        }
    }
}
