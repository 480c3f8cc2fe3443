using System.Globalization;
using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Notifications;

/// <summary>What `maintenance add` and `POST /api/maintenance` ask for (SPEC §6.3, §8, §9), as given.</summary>
public sealed record MaintenanceRequest(
    string? Company, string? City, string? Agent, string? Database, string? From, string? Until, string? Schedule, int? DurationMinutes,
    string? TimeZone, string? Reason);

/// <summary>Adds, lists and removes maintenance windows; a bad request names its field (400, exit 1), an unknown id is 404.</summary>
public sealed class MaintenanceRegistry(BackupMonitorDbContext db, TimeProvider time, Security.AuditTrail audit)
{
    /// <summary>A recurring window lasts at most a week: longer is a one-off window, or no monitoring at all.</summary>
    public const int MaxDurationMinutes = 7 * 24 * 60;

    public async Task<MaintenanceWindow> AddAsync(MaintenanceRequest request, CancellationToken cancellationToken)
    {
        var window = Validate(request);
        window.CreatedAtUtc = time.UtcNow();
        db.MaintenanceWindows.Add(window);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken); // the window's id names the audit's target
        audit.Record("maintenance.add", $"maintenance:{window.Id}", new
        {
            company = window.Company, city = window.City, agent = window.Agent, database = window.Database, from = window.FromUtc, until = window.UntilUtc,
            schedule = window.ScheduleExpression, duration_minutes = window.DurationMinutes, time_zone = window.IsRecurring ? window.TimeZone : null, reason = window.Reason,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return window;
    }

    /// <summary>
    /// Every window not removed, or for a key limited to companies those that cover at least one of its jobs (its jobs' names read
    /// in SQL, the matchers then applied as the scan applies them: `*` has no exact SQL equivalent on both providers).
    /// </summary>
    public async Task<List<MaintenanceWindow>> ListAsync(CancellationToken cancellationToken, AccessCaller? caller = null)
    {
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.RemovedAtUtc == null).OrderBy(w => w.Id).ToListAsync(cancellationToken);
        if (caller is not { IsScoped: true } || windows.Count == 0) return windows;
        var jobs = (await db.Jobs.AsNoTracking().VisibleTo(caller)
            .Select(j => new { j.CompanyName, j.City, j.AgentIdResponsible, j.DatabaseName }).Distinct().ToListAsync(cancellationToken))
            .Select(j => new ExpectedBackupJob
            {
                CompanyName = j.CompanyName, City = j.City, Neighborhood = "", AgentIdResponsible = j.AgentIdResponsible, DatabaseName = j.DatabaseName,
            }).ToList();
        return windows.Where(w => jobs.Any(j => MaintenanceCoverage.Matches(w, j))).ToList();
    }

    public Task<MaintenanceWindow?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.MaintenanceWindows.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id && w.RemovedAtUtc == null, cancellationToken);

    /// <summary>
    /// Removing a window ends it now: a job it covered that is still failing one grace period later gets its alert.
    /// The row is kept, marked removed: compliance reports still exclude the cycles it covered while it existed.
    /// </summary>
    public async Task RemoveAsync(int id, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.MaintenanceWindows.Where(w => w.Id == id && w.RemovedAtUtc == null)
                .ExecuteUpdateAsync(set => set.SetProperty(w => w.RemovedAtUtc, now), cancellationToken) == 0)
            throw new RoutingRequestException(RoutingProblem.NotFound, "id", $"no maintenance window {id}");
        audit.Record("maintenance.remove", $"maintenance:{id}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static MaintenanceWindow Validate(MaintenanceRequest request)
    {
        var window = new MaintenanceWindow
        {
            Company = Matcher("company", request.Company, 200), City = Matcher("city", request.City, 200),
            Agent = Matcher("agent", request.Agent, 128), Database = Matcher("database", request.Database, 128),
            Reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(),
        };
        if (window.Reason?.Length > 500) throw Bad("reason", "is longer than 500 characters");
        var oneOff = request.From is not null || request.Until is not null;
        var recurring = request.Schedule is not null || request.DurationMinutes is not null;
        if (oneOff && recurring) throw Bad("schedule", "give either from and until (a one-off window) or schedule and duration_minutes (a recurring one), not both");
        if (!oneOff && !recurring) throw Bad("from", "give either from and until (a one-off window) or schedule and duration_minutes (a recurring one)");
        if (oneOff)
        {
            if (request.TimeZone is not null) throw Bad("time_zone", "applies to a recurring window only (from and until carry their own offset)");
            window.FromUtc = Time("from", request.From);
            window.UntilUtc = Time("until", request.Until);
            if (window.UntilUtc <= window.FromUtc) throw Bad("until", "must be after from");
            return window;
        }
        if (string.IsNullOrWhiteSpace(request.Schedule)) throw Bad("schedule", "is required with duration_minutes");
        if (request.DurationMinutes is not { } minutes) throw Bad("duration_minutes", "is required with schedule");
        if (minutes is < 1 or > MaxDurationMinutes) throw Bad("duration_minutes", $"must be from 1 to {MaxDurationMinutes}, got {minutes}");
        var problems = Domain.Schedule.Problems(request.Schedule, request.TimeZone);
        if (problems.Count > 0)
        {
            var problem = problems[0];
            var field = problem.StartsWith("time_zone", StringComparison.Ordinal) ? "time_zone" : "schedule";
            throw Bad(field, problem.StartsWith(field + ":", StringComparison.Ordinal) ? problem[(field.Length + 1)..].Trim() : problem);
        }
        window.ScheduleExpression = request.Schedule.Trim();
        window.DurationMinutes = minutes;
        window.TimeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? Domain.Schedule.DefaultTimeZone : request.TimeZone.Trim();
        return window;
    }

    private static string? Matcher(string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Trim().Length > max) throw Bad(field, $"is longer than {max} characters");
        return value.Trim();
    }

    /// <summary>ISO 8601 with `Z` or an offset; a time without either is read as UTC.</summary>
    private static DateTime Time(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Bad(field, "is required (ISO 8601, e.g. 2026-12-05T22:00:00Z)");
        if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw Bad(field, $"expected an ISO 8601 time such as 2026-12-05T22:00:00Z, got '{text}'");
        return Timestamps.Normalize(value.UtcDateTime);
    }

    private static RoutingRequestException Bad(string field, string message) => new(RoutingProblem.BadField, field, message);
}
