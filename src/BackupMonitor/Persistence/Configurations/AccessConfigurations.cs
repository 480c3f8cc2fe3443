using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupMonitor.Persistence.Configurations;

internal sealed class AccessKeyConfiguration : IEntityTypeConfiguration<AccessKey>
{
    public void Configure(EntityTypeBuilder<AccessKey> key)
    {
        key.ToTable("access_keys");
        key.Property(k => k.Name).HasMaxLength(100);
        key.HasIndex(k => k.Name).IsUnique();
        key.Property(k => k.Role).HasConversion<WireNameConverter<Role>>().HasMaxLength(16);
        key.Property(k => k.Companies).HasMaxLength(4000);
        key.Property(k => k.Fingerprint).HasMaxLength(64);
        // Each request finds its key by fingerprint (then compares it in constant time).
        key.HasIndex(k => k.Fingerprint).IsUnique();
        key.Ignore(k => k.CompanyList);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> audit)
    {
        audit.ToTable("audit_events");
        audit.Property(a => a.Actor).HasMaxLength(200);
        audit.Property(a => a.Action).HasMaxLength(64);
        audit.Property(a => a.Target).HasMaxLength(300);
        audit.HasIndex(a => new { a.AtUtc, a.Id }).HasDatabaseName("ix_audit_events_newest");
        audit.HasIndex(a => a.Actor);
    }
}
