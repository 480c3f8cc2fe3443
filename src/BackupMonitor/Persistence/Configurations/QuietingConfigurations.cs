using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupMonitor.Persistence.Configurations;

internal sealed class MaintenanceWindowConfiguration : IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<MaintenanceWindow> window)
    {
        window.ToTable("maintenance_windows");
        window.Property(w => w.Company).HasMaxLength(200);
        window.Property(w => w.City).HasMaxLength(200);
        window.Property(w => w.Agent).HasMaxLength(128);
        window.Property(w => w.Database).HasMaxLength(128);
        window.Property(w => w.ScheduleExpression).HasMaxLength(200).HasColumnName("schedule");
        window.Property(w => w.TimeZone).HasMaxLength(64).HasDefaultValue(Schedule.DefaultTimeZone);
        window.Property(w => w.Reason).HasMaxLength(500);
    }
}

internal sealed class JobActivePeriodConfiguration : IEntityTypeConfiguration<JobActivePeriod>
{
    public void Configure(EntityTypeBuilder<JobActivePeriod> period)
    {
        period.ToTable("job_active_periods");
        period.HasOne<ExpectedBackupJob>().WithMany().HasForeignKey(p => p.ExpectedJobId).OnDelete(DeleteBehavior.Cascade);
        period.Property(p => p.ScheduleExpression).HasMaxLength(200).HasColumnName("schedule");
        period.Property(p => p.TimeZone).HasMaxLength(64).HasDefaultValue(Schedule.DefaultTimeZone);
        // A month's report reads the periods of every job that overlap it.
        period.HasIndex(p => new { p.ExpectedJobId, p.FromUtc });
    }
}

internal sealed class DigestConfiguration : IEntityTypeConfiguration<Digest>
{
    public void Configure(EntityTypeBuilder<Digest> digest)
    {
        digest.ToTable("digests");
        digest.Property(d => d.Destination).HasMaxLength(64);
    }
}
