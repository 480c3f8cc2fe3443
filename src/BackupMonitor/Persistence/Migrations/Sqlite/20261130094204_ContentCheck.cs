using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContentCheck : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "corrupt",
                table: "scan_runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "content_check",
                table: "backup_entries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_check_detail",
                table: "backup_entries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_format",
                table: "backup_entries",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "corrupt",
                table: "scan_runs");

            migrationBuilder.DropColumn(
                name: "content_check",
                table: "backup_entries");

            migrationBuilder.DropColumn(
                name: "content_check_detail",
                table: "backup_entries");

            migrationBuilder.DropColumn(
                name: "content_format",
                table: "backup_entries");
        }
    }
}
