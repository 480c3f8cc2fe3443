using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupMonitor.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue22JobCompanyIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            BackupMonitor.Persistence.JobCompanyIndex.Up(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            BackupMonitor.Persistence.JobCompanyIndex.Down(migrationBuilder);
        }
    }
}
