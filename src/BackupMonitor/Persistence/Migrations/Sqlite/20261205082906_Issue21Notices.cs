using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue21Notices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notices_backup_entry_id_kind",
                table: "notices");

            migrationBuilder.AlterColumn<int>(
                name: "expected_job_id",
                table: "notices",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<int>(
                name: "backup_entry_id",
                table: "notices",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "company_name",
                table: "notices",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dedupe_key",
                table: "notices",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "detail",
                table: "notices",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "drill_id",
                table: "notices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payload",
                table: "notices",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "period",
                table: "notices",
                type: "TEXT",
                maxLength: 7,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "notices",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "warning",
                table: "notices",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_backup_entry_id_kind",
                table: "notices",
                columns: new[] { "backup_entry_id", "kind" },
                unique: true,
                filter: "\"dedupe_key\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_notices_dedupe_key",
                table: "notices",
                column: "dedupe_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_expected_job_id_kind_created_at_utc",
                table: "notices",
                columns: new[] { "expected_job_id", "kind", "created_at_utc" });

            // Notices written before: an alert routes by its entry's status, the others by their kind; warnings were size drops.
            migrationBuilder.Sql(
                "UPDATE \"notices\" SET \"status\" = CASE WHEN \"kind\" = 'alert' " +
                "THEN (SELECT e.\"status\" FROM \"backup_entries\" e WHERE e.\"id\" = \"notices\".\"backup_entry_id\") ELSE \"kind\" END, " +
                "\"warning\" = CASE WHEN \"kind\" = 'warning' THEN 'size_drop' ELSE NULL END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notices_backup_entry_id_kind",
                table: "notices");

            migrationBuilder.DropIndex(
                name: "ix_notices_dedupe_key",
                table: "notices");

            migrationBuilder.DropIndex(
                name: "ix_notices_expected_job_id_kind_created_at_utc",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "company_name",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "dedupe_key",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "detail",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "drill_id",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "payload",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "period",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "status",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "warning",
                table: "notices");

            migrationBuilder.AlterColumn<int>(
                name: "expected_job_id",
                table: "notices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "backup_entry_id",
                table: "notices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_backup_entry_id_kind",
                table: "notices",
                columns: new[] { "backup_entry_id", "kind" },
                unique: true);
        }
    }
}
