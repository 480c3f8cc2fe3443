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
    int? GraceMinutes = null,
    string? Schedule = null,
    string? TimeZone = null)
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
        if (HasSchedule) ScheduleProblems(problems);
        else
        {
            if (ExpectedHourUtc is null) problems.Add("expected_hour_utc: required (or give a schedule), an integer from 0 to 23");
            else if (ExpectedHourUtc is < 0 or > 23) problems.Add($"expected_hour_utc: must be from 0 to 23, got {ExpectedHourUtc}");
            if (ExpectedMinuteUtc is null) problems.Add("expected_minute_utc: required (or give a schedule), an integer from 0 to 59");
            else if (ExpectedMinuteUtc is < 0 or > 59) problems.Add($"expected_minute_utc: must be from 0 to 59, got {ExpectedMinuteUtc}");
            if (!string.IsNullOrWhiteSpace(TimeZone) && Domain.Schedule.FindZone(TimeZone).Zone is not { BaseUtcOffset.Ticks: 0, SupportsDaylightSavingTime: false })
                problems.Add($"time_zone: only applies to a schedule; expected_hour_utc and expected_minute_utc are UTC " +
                    $"(for a daily time in '{TimeZone.Trim()}' give a schedule such as 'M H * * *')");
        }
        if (GraceMinutes is < 0 or > ScanOptions.MaxGraceMinutes)
            problems.Add($"grace_minutes: must be from 0 to {ScanOptions.MaxGraceMinutes}, got {GraceMinutes}");
        else if (GraceMinutes is { } grace && HasSchedule && problems.Count == 0
            && TimeSpan.FromMinutes(grace) >= Domain.Schedule.Cron(Schedule!, TimeZone).ShortestGap)
            problems.Add($"grace_minutes: must be shorter than the schedule's shortest gap between two occurrences " +
                $"({Minutes(Domain.Schedule.Cron(Schedule!, TimeZone).ShortestGap)}), got {grace}");
        if (problems.Count == 0 && !Names.IsValidIdentifier(AgentId))
            problems.Add($"agent_id_responsible: {Names.IdentifierRule}, got '{AgentId}'"
                + (string.IsNullOrWhiteSpace(AgentIdResponsible) ? " (derived from company, city and neighborhood; give one explicitly)" : ""));
        return problems;
    }

    private bool HasSchedule => !string.IsNullOrWhiteSpace(Schedule);

    private void ScheduleProblems(List<string> problems)
    {
        if (ExpectedHourUtc is not null || ExpectedMinuteUtc is not null)
            problems.Add("schedule: give either a schedule or expected_hour_utc/expected_minute_utc, not both");
        if (Schedule!.Trim().Length > 200) problems.Add("schedule: at most 200 characters");
        else problems.AddRange(Domain.Schedule.Problems(Schedule!, TimeZone));
    }

    private static string Minutes(TimeSpan gap) => $"{gap.TotalMinutes:0} minutes";

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
        ExpectedHourUtc = HasSchedule ? null : ExpectedHourUtc!.Value,
        ExpectedMinuteUtc = HasSchedule ? null : ExpectedMinuteUtc!.Value,
        ScheduleExpression = HasSchedule ? Schedule!.Trim() : null,
        TimeZone = HasSchedule ? Domain.Schedule.Cron(Schedule!, TimeZone).TimeZoneId : Domain.Schedule.DefaultTimeZone,
        GraceMinutes = GraceMinutes,
        CreatedAtUtc = createdAtUtc,
    };
}
