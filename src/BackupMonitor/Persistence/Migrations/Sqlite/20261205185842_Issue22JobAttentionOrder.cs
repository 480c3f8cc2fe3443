using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue22JobAttentionOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            BackupMonitor.Persistence.JobAttentionIndex.Up(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            BackupMonitor.Persistence.JobAttentionIndex.Down(migrationBuilder);
        }
    }
}
