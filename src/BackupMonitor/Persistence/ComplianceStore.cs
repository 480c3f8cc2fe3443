using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// The facts compliance is computed from (SPEC §12), asked in the product's words: the jobs watched during a span with
/// their periods, their entries around it, every maintenance window (removed ones too) and the entries with a passed drill.
/// </summary>
public sealed class ComplianceStore(BackupMonitorDbContext db)
{
    /// <summary>
    /// The jobs watched at some point of [<paramref name="fromUtc"/>, <paramref name="toUtc"/>) (of one company, or of
    /// <paramref name="jobIds"/>, when given; of the <paramref name="caller"/>'s companies, for a limited key) with their facts. <paramref name="successesOnly"/>: read only success
    /// entries (enough for a compliance figure; not for the failed / missing split).
    /// </summary>
    public async Task<IReadOnlyList<ComplianceFacts>> FactsAsync(DateTime fromUtc, DateTime toUtc, int defaultGraceMinutes,
        string? company = null, IReadOnlyCollection<int>? jobIds = null, bool successesOnly = false, DateTime? drilledBeforeUtc = null,
        CancellationToken cancellationToken = default, AccessCaller? caller = null)
    {
        // A key limited to companies reads its jobs only, filtered in SQL (SPEC §11).
        var jobsQuery = Security.AccessScope.VisibleTo(db.Jobs.AsNoTracking(), caller).Where(j =>
            db.JobActivePeriods.Any(p => p.ExpectedJobId == j.Id && p.FromUtc < toUtc && (p.UntilUtc == null || p.UntilUtc > fromUtc))
            || (j.IsActive && !db.JobActivePeriods.Any(p => p.ExpectedJobId == j.Id)));
        if (company is not null) jobsQuery = jobsQuery.Where(j => j.CompanyName == company);
        if (jobIds is not null) jobsQuery = jobsQuery.Where(j => jobIds.Contains(j.Id));
        var jobs = await jobsQuery.ToListAsync(cancellationToken);
        if (jobs.Count == 0) return [];
        var ids = jobs.Select(j => j.Id).ToList();
        var everyJob = company is null && jobIds is null && caller is not { IsScoped: true };

        var kept = await db.JobActivePeriods.AsNoTracking()
            .Where(p => (everyJob || ids.Contains(p.ExpectedJobId)) && p.FromUtc < toUtc && (p.UntilUtc == null || p.UntilUtc > fromUtc))
            .ToListAsync(cancellationToken);
        var periods = jobs.ToDictionary(j => j.Id, j => Compliance.PeriodsOf(j, kept.Where(p => p.ExpectedJobId == j.Id), defaultGraceMinutes));
        var margin = Compliance.EntryMargin(periods.Values.SelectMany(p => p));
        var (since, until) = (fromUtc - margin, toUtc + margin);

        var entries = db.Entries.AsNoTracking()
            .Where(e => (e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc) >= since && (e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc) < until);
        if (!everyJob) entries = entries.Where(e => ids.Contains(e.ExpectedJobId));
        if (successesOnly) entries = entries.Where(e => e.Status == BackupEntryStatus.Success);
        var rows = await entries
            .Select(e => new { e.ExpectedJobId, Time = e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc, e.Id, e.Status, e.ContentCheck })
            .ToListAsync(cancellationToken);
        var byJob = rows.ToLookup(r => r.ExpectedJobId, r => new CycleEntry(r.Time, r.Id, r.Status, r.ContentCheck));
        var drilled = drilledBeforeUtc is { } before ? await PassedDrillEntryIdsAsync(ids, since, before, cancellationToken) : ComplianceFacts.NoDrills;
        return jobs.Select(j => new ComplianceFacts(j, periods[j.Id], byJob[j.Id].ToList(), drilled)).ToList();
    }

    /// <summary>The watched periods of every job watched at some point of [<paramref name="fromUtc"/>, <paramref name="toUtc"/>): schedules and graces, no entries.</summary>
    public async Task<IReadOnlyList<WatchedPeriod>> PeriodsAsync(DateTime fromUtc, DateTime toUtc, int defaultGraceMinutes, CancellationToken cancellationToken = default)
    {
        var jobs = await db.Jobs.AsNoTracking().Where(j =>
            db.JobActivePeriods.Any(p => p.ExpectedJobId == j.Id && p.FromUtc < toUtc && (p.UntilUtc == null || p.UntilUtc > fromUtc))
            || (j.IsActive && !db.JobActivePeriods.Any(p => p.ExpectedJobId == j.Id))).ToListAsync(cancellationToken);
        var kept = (await db.JobActivePeriods.AsNoTracking().Where(p => p.FromUtc < toUtc && (p.UntilUtc == null || p.UntilUtc > fromUtc))
            .ToListAsync(cancellationToken)).ToLookup(p => p.ExpectedJobId);
        return jobs.SelectMany(j => Compliance.PeriodsOf(j, kept[j.Id], defaultGraceMinutes)).ToList();
    }

    /// <summary>Every maintenance window ever added, removed ones too (each counts for the cycles it covered while it existed).</summary>
    public Task<List<MaintenanceWindow>> WindowsAsync(CancellationToken cancellationToken = default) =>
        db.MaintenanceWindows.AsNoTracking().OrderBy(w => w.Id).ToListAsync(cancellationToken);

    /// <summary>
    /// The entries of these jobs with a restore drill (SPEC §13) that passed before <paramref name="beforeUtc"/> (the
    /// month's end: a drill run later never changes a finished month).
    /// </summary>
    public async Task<IReadOnlySet<int>> PassedDrillEntryIdsAsync(IReadOnlyCollection<int> jobIds, DateTime sinceUtc, DateTime beforeUtc, CancellationToken cancellationToken) =>
        (await db.Drills.AsNoTracking()
            .Where(d => jobIds.Contains(d.JobId) && d.Status == DrillStatus.Passed && d.FinishedAtUtc >= sinceUtc && d.FinishedAtUtc < beforeUtc)
            .Select(d => d.EntryId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
}
