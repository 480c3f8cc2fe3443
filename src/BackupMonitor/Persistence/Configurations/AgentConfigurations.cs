using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupMonitor.Persistence.Configurations;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> agent)
    {
        agent.ToTable("agents");
        agent.Property(a => a.AgentId).HasMaxLength(128);
        agent.Property(a => a.Description).HasMaxLength(500);
        agent.Property(a => a.TokenSha256).HasMaxLength(64);
        agent.HasIndex(a => a.AgentId).IsUnique();
        // A pushed request finds its agent by the token's fingerprint.
        agent.HasIndex(a => a.TokenSha256).IsUnique();
    }
}

internal sealed class AgentUploadConfiguration : IEntityTypeConfiguration<AgentUpload>
{
    public void Configure(EntityTypeBuilder<AgentUpload> upload)
    {
        upload.ToTable("agent_uploads");
        upload.Property(u => u.Id).HasMaxLength(32).ValueGeneratedNever();
        upload.Property(u => u.AgentId).HasMaxLength(128);
        upload.Property(u => u.FileName).HasMaxLength(255);
        upload.Property(u => u.HeldBy).HasMaxLength(100);
        upload.Ignore(u => u.PartFileName);
        // One live upload per name and agent: a second creation of the same name is refused (409), even by another process.
        upload.HasIndex(u => new { u.AgentId, u.FileName }).IsUnique().HasFilter("completed_at_utc IS NULL")
            .HasDatabaseName("ix_agent_uploads_live_name");
        upload.HasIndex(u => u.ExpiresAtUtc);
    }
}
