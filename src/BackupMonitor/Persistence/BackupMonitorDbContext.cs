using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// The database of jobs, entries, processed reports, the outbox and scan runs.
/// Each provider has its own subclass so that each keeps its own migrations:
/// <code>
/// dotnet ef migrations add NAME --project src/BackupMonitor --context SqliteBackupMonitorDbContext --output-dir Persistence/Migrations/Sqlite
/// dotnet ef migrations add NAME --project src/BackupMonitor --context PostgresBackupMonitorDbContext --output-dir Persistence/Migrations/Postgres
/// </code>
/// Start-up reads compiled models (building this model from the configurations took about 0.3 s of every
/// command); after any change to the model, regenerate them (CompiledModelTests fail until then):
/// <code>
/// dotnet ef dbcontext optimize --project src/BackupMonitor --context SqliteBackupMonitorDbContext --output-dir Persistence/CompiledModels/Sqlite --namespace BackupMonitor.Persistence.CompiledModels.Sqlite
/// dotnet ef dbcontext optimize --project src/BackupMonitor --context PostgresBackupMonitorDbContext --output-dir Persistence/CompiledModels/Postgres --namespace BackupMonitor.Persistence.CompiledModels.Postgres
/// </code>
/// </summary>
public abstract class BackupMonitorDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ExpectedBackupJob> Jobs => Set<ExpectedBackupJob>();
    public DbSet<BackupEntry> Entries => Set<BackupEntry>();
    public DbSet<ProcessedReport> ProcessedReports => Set<ProcessedReport>();
    public DbSet<Notice> Notices => Set<Notice>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<Destination> Destinations => Set<Destination>();
    public DbSet<AlertRoute> Routes => Set<AlertRoute>();
    public DbSet<ScanRun> ScanRuns => Set<ScanRun>();
    public DbSet<AgentLease> AgentLeases => Set<AgentLease>();
    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();
    public DbSet<Digest> Digests => Set<Digest>();
    public DbSet<AccessKey> AccessKeys => Set<AccessKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<JobActivePeriod> JobActivePeriods => Set<JobActivePeriod>();
    public DbSet<Drill> Drills => Set<Drill>();
    public DbSet<DrillSlot> DrillSlots => Set<DrillSlot>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentUpload> AgentUploads => Set<AgentUpload>();
    public DbSet<CompanyRetention> CompanyRetentions => Set<CompanyRetention>();
    public DbSet<RetentionRun> RetentionRuns => Set<RetentionRun>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BackupMonitorDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC in and out, on every provider.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<JobStatus>().HaveConversion<WireNameConverter<JobStatus>>().HaveMaxLength(32);
        configurationBuilder.Properties<BackupEntryStatus>().HaveConversion<WireNameConverter<BackupEntryStatus>>().HaveMaxLength(32);
        configurationBuilder.Properties<ReportOutcome>().HaveConversion<WireNameConverter<ReportOutcome>>().HaveMaxLength(16);
        configurationBuilder.Properties<NoticeKind>().HaveConversion<WireNameConverter<NoticeKind>>().HaveMaxLength(16);
        configurationBuilder.Properties<WarningKind>().HaveConversion<WireNameConverter<WarningKind>>().HaveMaxLength(32);
        configurationBuilder.Properties<DeliveryState>().HaveConversion<WireNameConverter<DeliveryState>>().HaveMaxLength(16);
        configurationBuilder.Properties<DestinationKind>().HaveConversion<WireNameConverter<DestinationKind>>().HaveMaxLength(16);
        configurationBuilder.Properties<ContentCheck>().HaveConversion<WireNameConverter<ContentCheck>>().HaveMaxLength(16);
        configurationBuilder.Properties<DrillStatus>().HaveConversion<WireNameConverter<DrillStatus>>().HaveMaxLength(16);
    }
}

public sealed class SqliteBackupMonitorDbContext(DbContextOptions<SqliteBackupMonitorDbContext> options)
    : BackupMonitorDbContext(options);

public sealed class PostgresBackupMonitorDbContext(DbContextOptions<PostgresBackupMonitorDbContext> options)
    : BackupMonitorDbContext(options);
