using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agent_leases",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    owner = table.Column<string>(type: "TEXT", nullable: false),
                    expires_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_leases", x => x.agent_id);
                });

            migrationBuilder.CreateTable(
                name: "expected_backup_jobs",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    company_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    city = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    neighborhood = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    database_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    agent_id_responsible = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    expected_hour_utc = table.Column<int>(type: "INTEGER", nullable: false),
                    expected_minute_utc = table.Column<int>(type: "INTEGER", nullable: false),
                    grace_minutes = table.Column<int>(type: "INTEGER", nullable: true),
                    is_active = table.Column<bool>(type: "INTEGER", nullable: false),
                    current_status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    last_checked_at_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_successful_backup_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_failed_backup_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_expected_backup_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "processed_reports",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", nullable: false),
                    content_sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    report_timestamp_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    read_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "TEXT", nullable: true),
                    archived_path = table.Column<string>(type: "TEXT", nullable: true),
                    quarantine_path = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_processed_reports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scan_runs",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    started_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    reports_read = table.Column<int>(type: "INTEGER", nullable: false),
                    reports_invalid = table.Column<int>(type: "INTEGER", nullable: false),
                    entries_created = table.Column<int>(type: "INTEGER", nullable: false),
                    success = table.Column<int>(type: "INTEGER", nullable: false),
                    failed = table.Column<int>(type: "INTEGER", nullable: false),
                    missing = table.Column<int>(type: "INTEGER", nullable: false),
                    hash_mismatch = table.Column<int>(type: "INTEGER", nullable: false),
                    transfer_integrity_failed = table.Column<int>(type: "INTEGER", nullable: false),
                    bytes_verified = table.Column<long>(type: "INTEGER", nullable: false),
                    duration_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    host = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "backup_entries",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    expected_job_id = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    agent_report_timestamp_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    agent_reported_hash_sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    agent_reported_size_bytes = table.Column<long>(type: "INTEGER", nullable: true),
                    agent_compress_size_pre_compress = table.Column<long>(type: "INTEGER", nullable: true),
                    agent_compress_size_post_compress = table.Column<long>(type: "INTEGER", nullable: true),
                    agent_transfer_process_status = table.Column<string>(type: "TEXT", nullable: true),
                    agent_transfer_process_start_time = table.Column<DateTime>(type: "TEXT", nullable: true),
                    agent_transfer_process_timestamp = table.Column<DateTime>(type: "TEXT", nullable: true),
                    agent_transfer_error_message = table.Column<string>(type: "TEXT", nullable: true),
                    agent_staged_file_name = table.Column<string>(type: "TEXT", nullable: true),
                    agent_logs_summary = table.Column<string>(type: "TEXT", nullable: true),
                    server_calculated_staged_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    server_calculated_staged_size = table.Column<long>(type: "INTEGER", nullable: true),
                    hash_comparison_result = table.Column<bool>(type: "INTEGER", nullable: true),
                    error_message = table.Column<string>(type: "TEXT", nullable: true),
                    validated_path = table.Column<string>(type: "TEXT", nullable: true),
                    quarantine_path = table.Column<string>(type: "TEXT", nullable: true),
                    expected_cycle_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_backup_entries_expected_backup_jobs_expected_job_id",
                        column: x => x.expected_job_id,
                        principalTable: "expected_backup_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    backup_entry_id = table.Column<int>(type: "INTEGER", nullable: false),
                    expected_job_id = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    subject = table.Column<string>(type: "TEXT", nullable: false),
                    body_text = table.Column<string>(type: "TEXT", nullable: false),
                    body_html = table.Column<string>(type: "TEXT", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    next_attempt_at_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_attempt_at_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    sent_at_utc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    claimed_by = table.Column<string>(type: "TEXT", nullable: true),
                    claimed_until_utc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notices", x => x.id);
                    table.ForeignKey(
                        name: "fk_notices_backup_entries_backup_entry_id",
                        column: x => x.backup_entry_id,
                        principalTable: "backup_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_backup_entries_expected_job_id_agent_report_timestamp_utc",
                table: "backup_entries",
                columns: new[] { "expected_job_id", "agent_report_timestamp_utc" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_backup_entries_expected_job_id_expected_cycle_utc",
                table: "backup_entries",
                columns: new[] { "expected_job_id", "expected_cycle_utc" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_backup_entries_status",
                table: "backup_entries",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_expected_backup_jobs_agent_id_responsible_database_name",
                table: "expected_backup_jobs",
                columns: new[] { "agent_id_responsible", "database_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_expected_backup_jobs_current_status",
                table: "expected_backup_jobs",
                column: "current_status");

            migrationBuilder.CreateIndex(
                name: "ix_notices_backup_entry_id_kind",
                table: "notices",
                columns: new[] { "backup_entry_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_state_next_attempt_at_utc",
                table: "notices",
                columns: new[] { "state", "next_attempt_at_utc" });

            migrationBuilder.CreateIndex(
                name: "ix_processed_reports_agent_id_file_name_content_sha256",
                table: "processed_reports",
                columns: new[] { "agent_id", "file_name", "content_sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_scan_runs_started_at_utc",
                table: "scan_runs",
                column: "started_at_utc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agent_leases");

            migrationBuilder.DropTable(
                name: "notices");

            migrationBuilder.DropTable(
                name: "processed_reports");

            migrationBuilder.DropTable(
                name: "scan_runs");

            migrationBuilder.DropTable(
                name: "backup_entries");

            migrationBuilder.DropTable(
                name: "expected_backup_jobs");
        }
    }
}
