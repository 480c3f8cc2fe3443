using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue25Drills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "last_drill_status",
                table: "expected_backup_jobs",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_drill_utc",
                table: "expected_backup_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "drill_slots",
                columns: table => new
                {
                    slot = table.Column<int>(type: "INTEGER", nullable: false),
                    claimed_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    claimed_until_utc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_drill_slots", x => x.slot);
                });

            migrationBuilder.CreateTable(
                name: "drills",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    job_id = table.Column<int>(type: "INTEGER", nullable: false),
                    entry_id = table.Column<int>(type: "INTEGER", nullable: false),
                    started_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_at_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    duration_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    format = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    tables = table.Column<int>(type: "INTEGER", nullable: true),
                    rows = table.Column<long>(type: "INTEGER", nullable: true),
                    detail = table.Column<string>(type: "TEXT", nullable: true),
                    counts_toward_interval = table.Column<bool>(type: "INTEGER", nullable: false),
                    claimed_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    claimed_until_utc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_drills", x => x.id);
                    table.ForeignKey(
                        name: "fk_drills_backup_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "backup_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_drills_expected_backup_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "expected_backup_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_drills_job_newest",
                table: "drills",
                columns: new[] { "job_id", "started_at_utc", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_drills_status",
                table: "drills",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ux_drills_entry_running",
                table: "drills",
                column: "entry_id",
                unique: true,
                filter: "\"status\" = 'running'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "drill_slots");

            migrationBuilder.DropTable(
                name: "drills");

            migrationBuilder.DropColumn(
                name: "last_drill_status",
                table: "expected_backup_jobs");

            migrationBuilder.DropColumn(
                name: "last_drill_utc",
                table: "expected_backup_jobs");
        }
    }
}
