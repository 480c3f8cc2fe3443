using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupMonitor.Persistence.Configurations;

internal sealed class CompanyRetentionConfiguration : IEntityTypeConfiguration<CompanyRetention>
{
    public void Configure(EntityTypeBuilder<CompanyRetention> company)
    {
        company.ToTable("company_retention_policies");
        company.HasKey(c => c.CompanyName);
        company.Property(c => c.CompanyName).HasMaxLength(200);
        company.Property(c => c.Policy).HasMaxLength(200);
    }
}

internal sealed class RetentionRunConfiguration : IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionRun> run)
    {
        run.ToTable("retention_runs");
        run.HasKey(r => r.Name);
        run.Property(r => r.Name).HasMaxLength(32);
        run.Property(r => r.ClaimedBy).HasMaxLength(200);
        run.HasData(new RetentionRun { Name = RetentionRun.DailyName });
    }
}
