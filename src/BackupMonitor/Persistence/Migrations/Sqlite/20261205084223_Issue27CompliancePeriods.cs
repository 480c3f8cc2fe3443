using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue27CompliancePeriods : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "removed_at_utc",
                table: "maintenance_windows",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_active_periods",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    expected_job_id = table.Column<int>(type: "INTEGER", nullable: false),
                    from_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    until_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    expected_hour_utc = table.Column<int>(type: "INTEGER", nullable: true),
                    expected_minute_utc = table.Column<int>(type: "INTEGER", nullable: true),
                    schedule = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    time_zone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false, defaultValue: "UTC"),
                    grace_minutes = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_active_periods", x => x.id);
                    table.ForeignKey(
                        name: "fk_job_active_periods_expected_backup_jobs_expected_job_id",
                        column: x => x.expected_job_id,
                        principalTable: "expected_backup_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_active_periods_expected_job_id_from_utc",
                table: "job_active_periods",
                columns: new[] { "expected_job_id", "from_utc" });

            migrationBuilder.Sql(PeriodSeed.Sqlite);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_active_periods");

            migrationBuilder.DropColumn(
                name: "removed_at_utc",
                table: "maintenance_windows");
        }
    }
}
