using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupMonitor.Persistence.Configurations;

internal sealed class DrillConfiguration : IEntityTypeConfiguration<Drill>
{
    public void Configure(EntityTypeBuilder<Drill> drill)
    {
        drill.ToTable("drills");
        drill.HasOne<ExpectedBackupJob>().WithMany().HasForeignKey(d => d.JobId).OnDelete(DeleteBehavior.Restrict);
        drill.HasOne<BackupEntry>().WithMany().HasForeignKey(d => d.EntryId).OnDelete(DeleteBehavior.Restrict);
        drill.Property(d => d.Format).HasMaxLength(64);
        drill.Property(d => d.ClaimedBy).HasMaxLength(200);
        // A job's drills newest first (API, dashboard, the schedule's "last drill"); the running ones (leftovers).
        drill.HasIndex(d => new { d.JobId, d.StartedAtUtc, d.Id }).HasDatabaseName("ix_drills_job_newest");
        drill.HasIndex(d => d.Status);
        // Two processes never drill the same backup at once: at most one running drill per entry.
        drill.HasIndex(d => d.EntryId).IsUnique().HasFilter("\"status\" = 'running'").HasDatabaseName("ux_drills_entry_running");
    }
}

internal sealed class DrillSlotConfiguration : IEntityTypeConfiguration<DrillSlot>
{
    public void Configure(EntityTypeBuilder<DrillSlot> slot)
    {
        slot.ToTable("drill_slots");
        slot.HasKey(s => s.Slot);
        slot.Property(s => s.Slot).ValueGeneratedNever();
        slot.Property(s => s.ClaimedBy).HasMaxLength(200);
    }
}
