using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AlertRouting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "job_status",
                table: "notices",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "previous_job_status",
                table: "notices",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "deliveries",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    notice_id = table.Column<int>(type: "integer", nullable: false),
                    destination = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_attempt_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    sent_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    claimed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    claimed_until_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    digest_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_deliveries_notices_notice_id",
                        column: x => x.notice_id,
                        principalTable: "notices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Existing notices keep their history: each becomes a delivery to `admins` in the state it had, and
            // records the job statuses its entry stands for (its rendered e-mail is no longer stored).
            migrationBuilder.Sql(
                "INSERT INTO deliveries (notice_id, destination, state, attempts, last_error, created_at_utc, next_attempt_at_utc, last_attempt_at_utc, sent_at_utc) " +
                "SELECT id, 'admins', state, attempts, last_error, created_at_utc, next_attempt_at_utc, last_attempt_at_utc, sent_at_utc FROM notices");
            migrationBuilder.Sql(
                "UPDATE notices SET job_status = COALESCE((SELECT CASE e.status WHEN 'success' THEN 'ok' ELSE e.status END FROM backup_entries e WHERE e.id = notices.backup_entry_id), 'unknown'), " +
                "previous_job_status = COALESCE((SELECT CASE p.status WHEN 'success' THEN 'ok' ELSE p.status END FROM backup_entries p " +
                "WHERE p.expected_job_id = notices.expected_job_id AND p.id < notices.backup_entry_id ORDER BY p.id DESC LIMIT 1), 'unknown')");

            migrationBuilder.DropIndex(
                name: "ix_notices_state_next_attempt_at_utc",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "body_html",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "body_text",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "claimed_by",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "claimed_until_utc",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "last_attempt_at_utc",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "last_error",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "next_attempt_at_utc",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "sent_at_utc",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "state",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "subject",
                table: "notices");

            migrationBuilder.CreateTable(
                name: "destinations",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    target = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    secret = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_destinations", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "routes",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    destination = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    company = table.Column<string>(type: "text", nullable: true),
                    city = table.Column<string>(type: "text", nullable: true),
                    agent = table.Column<string>(type: "text", nullable: true),
                    database = table.Column<string>(type: "text", nullable: true),
                    statuses = table.Column<string>(type: "text", nullable: true),
                    created_at_utc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routes", x => x.id);
                    table.ForeignKey(
                        name: "fk_routes_destinations_destination",
                        column: x => x.destination,
                        principalTable: "destinations",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_destination",
                table: "deliveries",
                column: "destination");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_notice_id_destination",
                table: "deliveries",
                columns: new[] { "notice_id", "destination" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_state_next_attempt_at_utc",
                table: "deliveries",
                columns: new[] { "state", "next_attempt_at_utc" });

            migrationBuilder.CreateIndex(
                name: "ix_routes_destination",
                table: "routes",
                column: "destination");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deliveries");

            migrationBuilder.DropTable(
                name: "routes");

            migrationBuilder.DropTable(
                name: "destinations");

            migrationBuilder.DropColumn(
                name: "job_status",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "previous_job_status",
                table: "notices");

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "notices",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "body_html",
                table: "notices",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "body_text",
                table: "notices",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "claimed_by",
                table: "notices",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "claimed_until_utc",
                table: "notices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_attempt_at_utc",
                table: "notices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                table: "notices",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "next_attempt_at_utc",
                table: "notices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "sent_at_utc",
                table: "notices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "state",
                table: "notices",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "subject",
                table: "notices",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_notices_state_next_attempt_at_utc",
                table: "notices",
                columns: new[] { "state", "next_attempt_at_utc" });
        }
    }
}
