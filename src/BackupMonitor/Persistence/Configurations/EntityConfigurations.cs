using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupMonitor.Persistence.Configurations;

internal sealed class ExpectedBackupJobConfiguration : IEntityTypeConfiguration<ExpectedBackupJob>
{
    public void Configure(EntityTypeBuilder<ExpectedBackupJob> job)
    {
        job.ToTable("expected_backup_jobs");
        job.Property(j => j.CompanyName).HasMaxLength(200);
        job.Property(j => j.City).HasMaxLength(200);
        job.Property(j => j.Neighborhood).HasMaxLength(200);
        job.Property(j => j.DatabaseName).HasMaxLength(128);
        job.Property(j => j.AgentIdResponsible).HasMaxLength(128);
        job.Property(j => j.ScheduleExpression).HasMaxLength(200).HasColumnName("schedule");
        job.Property(j => j.TimeZone).HasMaxLength(64).HasDefaultValue(Schedule.DefaultTimeZone);
        job.HasIndex(j => new { j.AgentIdResponsible, j.DatabaseName }).IsUnique();
        job.HasIndex(j => j.CurrentStatus);
        // The API's job listing pages by this key (keyset, SPEC §9).
        job.HasIndex(j => new { j.CompanyName, j.City, j.Neighborhood, j.DatabaseName, j.Id }).HasDatabaseName("ix_expected_backup_jobs_listing");
        job.Ignore(j => j.WatchedSinceUtc);
        job.Property(j => j.Retention).HasMaxLength(200);
        job.Property(j => j.RetentionClaimedBy).HasMaxLength(200);
    }
}

internal sealed class BackupEntryConfiguration : IEntityTypeConfiguration<BackupEntry>
{
    public void Configure(EntityTypeBuilder<BackupEntry> entry)
    {
        entry.ToTable("backup_entries");
        entry.Ignore(e => e.EffectiveTimeUtc);
        entry.HasOne<ExpectedBackupJob>().WithMany().HasForeignKey(e => e.ExpectedJobId).OnDelete(DeleteBehavior.Restrict);
        // Re-scanning the same report line never creates a second entry; a missed cycle has at most one.
        entry.HasIndex(e => new { e.ExpectedJobId, e.AgentReportTimestampUtc }).IsUnique();
        entry.HasIndex(e => new { e.ExpectedJobId, e.ExpectedCycleUtc }).IsUnique();
        entry.HasIndex(e => e.Status);
        // A job's entries newest first, page after page (API and dashboard); and the verified cycles of the last
        // 30 days counted per job without reading the entries (the overview's company table).
        entry.HasIndex(e => new { e.ExpectedJobId, e.CreatedAtUtc, e.Id }).HasDatabaseName("ix_backup_entries_job_newest");
        entry.HasIndex(e => new { e.Status, e.AgentReportTimestampUtc, e.ExpectedJobId }).HasDatabaseName("ix_backup_entries_status_time_job");
        entry.Property(e => e.AgentReportedHashSha256).HasMaxLength(64);
        entry.Property(e => e.ServerCalculatedStagedHash).HasMaxLength(64);
        entry.Property(e => e.ContentFormat).HasMaxLength(64);
        // Retention finishes marked moves and purges the trash from these few rows (SPEC §14).
        entry.HasIndex(e => new { e.ExpectedJobId, e.PrunedAtUtc }).HasDatabaseName("ix_backup_entries_in_trash")
            .HasFilter("\"pruned_at_utc\" IS NOT NULL AND \"purged_at_utc\" IS NULL");
    }
}

internal sealed class ProcessedReportConfiguration : IEntityTypeConfiguration<ProcessedReport>
{
    public void Configure(EntityTypeBuilder<ProcessedReport> report)
    {
        report.ToTable("processed_reports");
        report.HasIndex(r => new { r.AgentId, r.FileName, r.ContentSha256 }).IsUnique();
        report.Property(r => r.ContentSha256).HasMaxLength(64);
    }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> notice)
    {
        notice.ToTable("notices");
        notice.HasOne<BackupEntry>().WithMany().HasForeignKey(n => n.BackupEntryId).OnDelete(DeleteBehavior.Restrict);
        // One notice of each kind per entry, whatever happens to the scan that wrote it; every other source names its
        // notice with a dedupe key instead, unique too (a retry or a second process never makes a second one).
        notice.HasIndex(n => new { n.BackupEntryId, n.Kind }).IsUnique().HasFilter($"{RawSql.Quote("dedupe_key")} IS NULL");
        notice.HasIndex(n => n.DedupeKey).IsUnique();
        notice.HasIndex(n => new { n.ExpectedJobId, n.Kind, n.CreatedAtUtc });
        notice.Property(n => n.Status).HasMaxLength(32);
        notice.Property(n => n.CompanyName).HasMaxLength(200);
        notice.Property(n => n.Period).HasMaxLength(7);
        notice.Property(n => n.DedupeKey).HasMaxLength(200);
        notice.HasMany(n => n.Deliveries).WithOne().HasForeignKey(d => d.NoticeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> delivery)
    {
        delivery.ToTable("deliveries");
        delivery.Property(d => d.Destination).HasMaxLength(64);
        delivery.Property(d => d.ClaimedBy).HasMaxLength(200);
        delivery.HasIndex(d => new { d.State, d.NextAttemptAtUtc });
        delivery.HasIndex(d => d.Destination);
        // Once per destination, however many routes match.
        delivery.HasIndex(d => new { d.NoticeId, d.Destination }).IsUnique();
        delivery.HasIndex(d => d.DigestId);
        // The maintenance follow-up reads the few deliveries still waiting for their window's end, after every scan.
        delivery.HasIndex(d => d.SuppressedByWindowId);
    }
}

internal sealed class DestinationConfiguration : IEntityTypeConfiguration<Destination>
{
    public void Configure(EntityTypeBuilder<Destination> destination)
    {
        destination.ToTable("destinations");
        destination.HasKey(d => d.Name);
        destination.Property(d => d.Name).HasMaxLength(64);
        destination.Property(d => d.Target).HasMaxLength(2000);
        destination.Property(d => d.Secret).HasMaxLength(500);
    }
}

internal sealed class RouteConfiguration : IEntityTypeConfiguration<AlertRoute>
{
    public void Configure(EntityTypeBuilder<AlertRoute> route)
    {
        route.ToTable("routes");
        route.Property(r => r.Destination).HasMaxLength(64);
        route.HasOne<Destination>().WithMany().HasForeignKey(r => r.Destination).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScanRunConfiguration : IEntityTypeConfiguration<ScanRun>
{
    public void Configure(EntityTypeBuilder<ScanRun> run)
    {
        run.ToTable("scan_runs");
        run.HasIndex(r => r.StartedAtUtc);
        // The last scan (metrics, the overview) without reading a year of scan records.
        run.HasIndex(r => new { r.FinishedAtUtc, r.Id }).HasDatabaseName("ix_scan_runs_newest");
    }
}

internal sealed class AgentLeaseConfiguration : IEntityTypeConfiguration<AgentLease>
{
    public void Configure(EntityTypeBuilder<AgentLease> lease)
    {
        lease.ToTable("agent_leases");
        lease.HasKey(l => l.AgentId);
    }
}
