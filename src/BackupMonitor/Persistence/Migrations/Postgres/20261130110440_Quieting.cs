using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Quieting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "acknowledged_at_utc",
                table: "expected_backup_jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "suppressed_by_window_id",
                table: "deliveries",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "digests",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    destination = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    created_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_digests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_windows",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    company = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    city = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    agent = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    database = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    from_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    until_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    schedule = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    duration_minutes = table.Column<int>(type: "integer", nullable: true),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, defaultValue: "UTC"),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_maintenance_windows", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_digest_id",
                table: "deliveries",
                column: "digest_id");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_suppressed_by_window_id",
                table: "deliveries",
                column: "suppressed_by_window_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "digests");

            migrationBuilder.DropTable(
                name: "maintenance_windows");

            migrationBuilder.DropIndex(
                name: "ix_deliveries_digest_id",
                table: "deliveries");

            migrationBuilder.DropIndex(
                name: "ix_deliveries_suppressed_by_window_id",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "acknowledged_at_utc",
                table: "expected_backup_jobs");

            migrationBuilder.DropColumn(
                name: "suppressed_by_window_id",
                table: "deliveries");
        }
    }
}
