namespace BackupMonitor.Persistence;

/// <summary>
/// The migration that starts keeping jobs' watched periods (issue 27) gives every existing job the period it is known to
/// have had: from its last (re)activation, open while active, else closed at its last check (when the scan last saw it).
/// Kept here so that the migration, regenerated after a merge, needs one line to call it.
/// </summary>
internal static class PeriodSeed
{
    private const string Columns = "expected_job_id, from_utc, until_utc, expected_hour_utc, expected_minute_utc, schedule, time_zone, grace_minutes";

    public const string Sqlite = $"""
        INSERT INTO job_active_periods ({Columns})
        SELECT id, COALESCE(active_since_utc, created_at_utc),
               CASE WHEN is_active = 1 THEN NULL ELSE COALESCE(last_checked_at_utc, active_since_utc, created_at_utc) END,
               expected_hour_utc, expected_minute_utc, schedule, time_zone, grace_minutes
        FROM expected_backup_jobs;
        """;

    public const string Postgres = $"""
        INSERT INTO job_active_periods ({Columns})
        SELECT id, COALESCE(active_since_utc, created_at_utc),
               CASE WHEN is_active THEN NULL ELSE COALESCE(last_checked_at_utc, active_since_utc, created_at_utc) END,
               expected_hour_utc, expected_minute_utc, schedule, time_zone, grace_minutes
        FROM expected_backup_jobs;
        """;
}
