using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue26Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "retention",
                table: "expected_backup_jobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "retention_claimed_by",
                table: "expected_backup_jobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "retention_claimed_until_utc",
                table: "expected_backup_jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "held_at_utc",
                table: "backup_entries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "pruned_at_utc",
                table: "backup_entries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "purged_at_utc",
                table: "backup_entries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "trash_path",
                table: "backup_entries",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "company_retention_policies",
                columns: table => new
                {
                    company_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    policy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_company_retention_policies", x => x.company_name);
                });

            migrationBuilder.CreateTable(
                name: "retention_runs",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    last_completed_day_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    claimed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    claimed_until_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_retention_runs", x => x.name);
                });

            migrationBuilder.InsertData(
                table: "retention_runs",
                columns: new[] { "name", "claimed_by", "claimed_until_utc", "last_completed_day_utc" },
                values: new object[] { "daily", null, null, null });

            migrationBuilder.CreateIndex(
                name: "ix_backup_entries_in_trash",
                table: "backup_entries",
                columns: new[] { "expected_job_id", "pruned_at_utc" },
                filter: "\"pruned_at_utc\" IS NOT NULL AND \"purged_at_utc\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "company_retention_policies");

            migrationBuilder.DropTable(
                name: "retention_runs");

            migrationBuilder.DropIndex(
                name: "ix_backup_entries_in_trash",
                table: "backup_entries");

            migrationBuilder.DropColumn(
                name: "retention",
                table: "expected_backup_jobs");

            migrationBuilder.DropColumn(
                name: "retention_claimed_by",
                table: "expected_backup_jobs");

            migrationBuilder.DropColumn(
                name: "retention_claimed_until_utc",
                table: "expected_backup_jobs");

            migrationBuilder.DropColumn(
                name: "held_at_utc",
                table: "backup_entries");

            migrationBuilder.DropColumn(
                name: "pruned_at_utc",
                table: "backup_entries");

            migrationBuilder.DropColumn(
                name: "purged_at_utc",
                table: "backup_entries");

            migrationBuilder.DropColumn(
                name: "trash_path",
                table: "backup_entries");
        }
    }
}
