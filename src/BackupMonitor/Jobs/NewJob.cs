using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Jobs;

/// <summary>A job as a user asks for it (CLI, import file, API), before validation.</summary>
public sealed record NewJob(
    string? CompanyName,
    string? City,
    string? Neighborhood,
    string? DatabaseName,
    int? ExpectedHourUtc,
    int? ExpectedMinuteUtc,
    string? AgentIdResponsible = null,
    int? GraceMinutes = null)
{
    /// <summary>Every rule this job breaks, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Required(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) problems.Add($"{field}: required");
            else if (value.Trim().Length > 200) problems.Add($"{field}: at most 200 characters");
        }
        Required("company_name", CompanyName);
        Required("city", City);
        Required("neighborhood", Neighborhood);
        if (string.IsNullOrWhiteSpace(DatabaseName)) problems.Add("database_name: required");
        else if (!Names.IsValidIdentifier(DatabaseName)) problems.Add($"database_name: {Names.IdentifierRule}, got '{DatabaseName}'");
        if (ExpectedHourUtc is null) problems.Add("expected_hour_utc: required, an integer from 0 to 23");
        else if (ExpectedHourUtc is < 0 or > 23) problems.Add($"expected_hour_utc: must be from 0 to 23, got {ExpectedHourUtc}");
        if (ExpectedMinuteUtc is null) problems.Add("expected_minute_utc: required, an integer from 0 to 59");
        else if (ExpectedMinuteUtc is < 0 or > 59) problems.Add($"expected_minute_utc: must be from 0 to 59, got {ExpectedMinuteUtc}");
        if (GraceMinutes is < 0 or > ScanOptions.MaxGraceMinutes)
            problems.Add($"grace_minutes: must be from 0 to {ScanOptions.MaxGraceMinutes}, got {GraceMinutes}");
        if (problems.Count == 0 && !Names.IsValidIdentifier(AgentId))
            problems.Add($"agent_id_responsible: {Names.IdentifierRule}, got '{AgentId}'"
                + (string.IsNullOrWhiteSpace(AgentIdResponsible) ? " (derived from company, city and neighborhood; give one explicitly)" : ""));
        return problems;
    }

    public string AgentId => string.IsNullOrWhiteSpace(AgentIdResponsible)
        ? Names.DefaultAgentId(CompanyName ?? "", City ?? "", Neighborhood ?? "")
        : AgentIdResponsible.Trim();

    public ExpectedBackupJob ToJob(DateTime createdAtUtc) => new()
    {
        CompanyName = CompanyName!.Trim(),
        City = City!.Trim(),
        Neighborhood = Neighborhood!.Trim(),
        DatabaseName = DatabaseName!.Trim(),
        AgentIdResponsible = AgentId,
        ExpectedHourUtc = ExpectedHourUtc!.Value,
        ExpectedMinuteUtc = ExpectedMinuteUtc!.Value,
        GraceMinutes = GraceMinutes,
        CreatedAtUtc = createdAtUtc,
    };
}
