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
        job.HasIndex(j => new { j.AgentIdResponsible, j.DatabaseName }).IsUnique();
        job.HasIndex(j => j.CurrentStatus);
        job.Ignore(j => j.WatchedSinceUtc);
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
        entry.Property(e => e.AgentReportedHashSha256).HasMaxLength(64);
        entry.Property(e => e.ServerCalculatedStagedHash).HasMaxLength(64);
        entry.Property(e => e.ContentFormat).HasMaxLength(64);
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
        notice.HasIndex(n => new { n.State, n.NextAttemptAtUtc });
        // One notice of each kind per entry, whatever happens to the scan that wrote it.
        notice.HasIndex(n => new { n.BackupEntryId, n.Kind }).IsUnique();
    }
}

internal sealed class ScanRunConfiguration : IEntityTypeConfiguration<ScanRun>
{
    public void Configure(EntityTypeBuilder<ScanRun> run)
    {
        run.ToTable("scan_runs");
        run.HasIndex(r => r.StartedAtUtc);
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
