using BackupMonitor.Security;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Jobs;

/// <summary>A request that breaks a rule; each problem names its field (and line, for imports).</summary>
public sealed class JobValidationException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>An (agent, database) pair that already has a job.</summary>
public sealed class DuplicateJobException(string message) : Exception(message);

/// <summary>Acknowledging a job that is not failing.</summary>
public sealed class JobNotFailingException(string message) : Exception(message);

/// <summary>Registers, lists, updates and deactivates expected backup jobs.</summary>
public sealed class JobRegistry(BackupMonitorDbContext db, TimeProvider time, AuditTrail audit)
{
    public async Task<ExpectedBackupJob> AddAsync(NewJob request, CancellationToken cancellationToken = default)
    {
        var problems = request.Problems();
        if (problems.Count > 0) throw new JobValidationException(problems);
        await EnsureFreeAsync(request.AgentId, request.DatabaseName!.Trim(), null, cancellationToken);
        var job = request.ToJob(time.UtcNow());
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken); // the job's id names the audit's target and its period
        audit.Record("job.add", $"job:{job.Id}", Fields(job));
        db.JobActivePeriods.Add(JobActivePeriod.Open(job, job.CreatedAtUtc));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    /// <summary>
    /// Replaces what a user chose for the job (names, schedule, agent, grace); its status, history and
    /// activity are kept. Null when no job has this id.
    /// </summary>
    public async Task<ExpectedBackupJob?> UpdateAsync(int id, NewJob request, CancellationToken cancellationToken = default)
    {
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null) return null;
        var problems = request.Problems();
        if (problems.Count > 0) throw new JobValidationException(problems);
        await EnsureFreeAsync(request.AgentId, request.DatabaseName!.Trim(), id, cancellationToken);
        var wanted = request.ToJob(job.CreatedAtUtc);
        // Occurrences of a new schedule that passed before the change are not backups the site failed to send.
        var now = time.UtcNow();
        var rescheduled = wanted.ExpectedHourUtc != job.ExpectedHourUtc || wanted.ExpectedMinuteUtc != job.ExpectedMinuteUtc
            || wanted.ScheduleExpression != job.ScheduleExpression || wanted.TimeZone != job.TimeZone;
        if (rescheduled) job.ActiveSinceUtc = now;
        job.CompanyName = wanted.CompanyName;
        job.City = wanted.City;
        job.Neighborhood = wanted.Neighborhood;
        job.DatabaseName = wanted.DatabaseName;
        job.AgentIdResponsible = wanted.AgentIdResponsible;
        job.ExpectedHourUtc = wanted.ExpectedHourUtc;
        job.ExpectedMinuteUtc = wanted.ExpectedMinuteUtc;
        job.ScheduleExpression = wanted.ScheduleExpression;
        job.TimeZone = wanted.TimeZone;
        var regraced = job.GraceMinutes != wanted.GraceMinutes;
        job.GraceMinutes = wanted.GraceMinutes;
        var changed = db.Entry(job).Properties.Where(p => p.IsModified && p.Metadata.Name != nameof(ExpectedBackupJob.ActiveSinceUtc))
            .ToDictionary(p => p.Metadata.GetColumnName(), p => p.CurrentValue);
        audit.Record("job.update", $"job:{job.Id}", changed);
        // The active period ends and a new one starts with the new schedule: the months before keep theirs (SPEC §12).
        if (job.IsActive && (rescheduled || regraced)) await ReopenPeriodAsync(job, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    /// <summary>All or nothing: every line is checked (fields, duplicates in the file and in the database) before any is saved.</summary>
    public async Task<IReadOnlyList<ExpectedBackupJob>> ImportAsync(IReadOnlyList<(string Where, NewJob Job)> requests, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var seen = new Dictionary<(string, string), string>();
        var existing = (await db.Jobs.Select(j => new { j.AgentIdResponsible, j.DatabaseName, j.Id }).ToListAsync(cancellationToken))
            .ToDictionary(j => (j.AgentIdResponsible, j.DatabaseName), j => j.Id);
        foreach (var (where, request) in requests)
        {
            var jobProblems = request.Problems();
            problems.AddRange(jobProblems.Select(p => $"{where}: {p}"));
            if (jobProblems.Count > 0) continue;
            var key = (request.AgentId, request.DatabaseName!.Trim());
            if (seen.TryGetValue(key, out var first))
                problems.Add($"{where}: agent '{key.Item1}' and database '{key.Item2}' repeat {first}");
            else if (existing.TryGetValue(key, out var id))
                problems.Add($"{where}: agent '{key.Item1}' and database '{key.Item2}' already have job {id}");
            seen.TryAdd(key, where);
        }
        if (requests.Count == 0) problems.Add("the file holds no job");
        if (problems.Count > 0) throw new JobValidationException(problems);

        var now = time.UtcNow();
        var jobs = requests.Select(r => r.Job.ToJob(now)).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Jobs.AddRange(jobs);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var job in jobs) audit.Record("job.add", $"job:{job.Id}", Fields(job));
        db.JobActivePeriods.AddRange(jobs.Select(j => JobActivePeriod.Open(j, now)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return jobs;
    }

    public Task<List<ExpectedBackupJob>> ListAsync(JobStatus? status = null, bool includeInactive = false, string? company = null, string? city = null,
        CancellationToken cancellationToken = default, Decisions.AccessCaller? caller = null)
    {
        var query = db.Jobs.AsNoTracking().VisibleTo(caller);
        if (!includeInactive) query = query.Where(j => j.IsActive);
        if (status is not null) query = query.Where(j => j.CurrentStatus == status);
        if (company is not null) query = query.Where(j => j.CompanyName == company);
        if (city is not null) query = query.Where(j => j.City == city);
        return query.OrderBy(j => j.CompanyName).ThenBy(j => j.City).ThenBy(j => j.Neighborhood).ThenBy(j => j.DatabaseName).ToListAsync(cancellationToken);
    }

    public Task<ExpectedBackupJob?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);

    /// <summary>Deactivates the job (its history is kept). False when no job has this id.</summary>
    public async Task<bool> DeactivateAsync(int id, CancellationToken cancellationToken = default)
    {
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null) return false;
        if (job.IsActive)
        {
            audit.Record("job.deactivate", $"job:{id}", new { is_active = false });
            await ClosePeriodAsync(job, time.UtcNow(), cancellationToken);
        }
        job.IsActive = false;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Makes a deactivated job expected again (the dashboard's "reactivate"). False when no job has this id.
    /// </summary>
    public async Task<bool> ReactivateAsync(int id, CancellationToken cancellationToken = default)
    {
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null) return false;
        if (!job.IsActive)
        {
            job.ActiveSinceUtc = time.UtcNow(); // the days it was off are not missed backups
            audit.Record("job.reactivate", $"job:{id}", new { is_active = true });
            db.JobActivePeriods.Add(JobActivePeriod.Open(job, job.ActiveSinceUtc.Value));
        }
        job.IsActive = true;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Acknowledges a failing job (SPEC §6.3): its alerts are suppressed until it recovers or is unacknowledged. An
    /// acknowledged job keeps its first acknowledgement time. Null when no job has this id.
    /// </summary>
    public async Task<ExpectedBackupJob?> AcknowledgeAsync(int id, CancellationToken cancellationToken = default)
    {
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null) return null;
        // A job whose last restore drill failed counts as failing too (SPEC §13).
        if (!job.CurrentStatus.IsFailure() && job.LastDrillStatus != DrillStatus.Failed)
            throw new JobNotFailingException($"job {id} is not failing (status {job.CurrentStatus.ToWire()}): there is nothing to acknowledge");
        if (job.AcknowledgedAtUtc is not null) return job;
        // Compare-and-set: a scan that recorded a recovery in the meantime wins.
        var now = time.UtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var set = await db.Jobs.Where(j => j.Id == id && j.AcknowledgedAtUtc == null
                && ((j.CurrentStatus != JobStatus.Ok && j.CurrentStatus != JobStatus.Unknown) || j.LastDrillStatus == DrillStatus.Failed))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.AcknowledgedAtUtc, now), cancellationToken);
        if (set == 1)
        {
            audit.Record("job.ack", $"job:{id}", new { acknowledged_at_utc = now });
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        await db.Entry(job).ReloadAsync(cancellationToken);
        if (set == 0 && job.AcknowledgedAtUtc is null)
            throw new JobNotFailingException($"job {id} is not failing (status {job.CurrentStatus.ToWire()}): there is nothing to acknowledge");
        return job;
    }

    /// <summary>Withdraws an acknowledgement (nothing to do when there is none). Null when no job has this id.</summary>
    public async Task<ExpectedBackupJob?> UnacknowledgeAsync(int id, CancellationToken cancellationToken = default)
    {
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null) return null;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var withdrawn = await db.Jobs.Where(j => j.Id == id && j.AcknowledgedAtUtc != null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.AcknowledgedAtUtc, (DateTime?)null), cancellationToken);
        if (withdrawn == 1)
        {
            audit.Record("job.unack", $"job:{id}", new { acknowledged_at_utc = (DateTime?)null });
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        await db.Entry(job).ReloadAsync(cancellationToken);
        return job;
    }

    public Task<List<BackupEntry>> EntriesAsync(int? jobId, BackupEntryStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        var query = db.Entries.AsNoTracking().AsQueryable();
        if (jobId is not null) query = query.Where(e => e.ExpectedJobId == jobId);
        if (status is not null) query = query.Where(e => e.Status == status);
        return query.OrderByDescending(e => e.CreatedAtUtc).ThenByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>What a user chose for a job, as the audit records it.</summary>
    private static object Fields(ExpectedBackupJob job) => new
    {
        company_name = job.CompanyName, city = job.City, neighborhood = job.Neighborhood, database_name = job.DatabaseName,
        agent_id_responsible = job.AgentIdResponsible, expected_hour_utc = job.ExpectedHourUtc, expected_minute_utc = job.ExpectedMinuteUtc,
        schedule = job.ScheduleExpression, time_zone = job.TimeZone, grace_minutes = job.GraceMinutes,
    };

    private async Task EnsureFreeAsync(string agentId, string databaseName, int? exceptId, CancellationToken cancellationToken)
    {
        var other = await db.Jobs.AsNoTracking()
            .FirstOrDefaultAsync(j => j.AgentIdResponsible == agentId && j.DatabaseName == databaseName && j.Id != exceptId, cancellationToken);
        if (other is not null)
            throw new DuplicateJobException(
                $"agent '{agentId}' and database '{databaseName}' already have job {other.Id}{(other.IsActive ? "" : " (inactive)")}");
    }

    /// <summary>Closes the job's open period at <paramref name="nowUtc"/> (a job registered before periods were kept gets its first one closed).</summary>
    private async Task ClosePeriodAsync(ExpectedBackupJob job, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var open = await db.JobActivePeriods.Where(p => p.ExpectedJobId == job.Id && p.UntilUtc == null).ToListAsync(cancellationToken);
        if (open.Count == 0 && !await db.JobActivePeriods.AnyAsync(p => p.ExpectedJobId == job.Id, cancellationToken))
            open.Add(db.JobActivePeriods.Add(JobActivePeriod.Open(job, job.WatchedSinceUtc)).Entity);
        foreach (var period in open) period.UntilUtc = nowUtc;
    }

    private async Task ReopenPeriodAsync(ExpectedBackupJob changed, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var before = db.Entry(changed).OriginalValues.ToObject() as ExpectedBackupJob ?? changed;
        var open = await db.JobActivePeriods.Where(p => p.ExpectedJobId == changed.Id && p.UntilUtc == null).ToListAsync(cancellationToken);
        if (open.Count == 0 && !await db.JobActivePeriods.AnyAsync(p => p.ExpectedJobId == changed.Id, cancellationToken))
            open.Add(db.JobActivePeriods.Add(JobActivePeriod.Open(before, before.WatchedSinceUtc)).Entity);
        foreach (var period in open) period.UntilUtc = nowUtc;
        db.JobActivePeriods.Add(JobActivePeriod.Open(changed, nowUtc));
    }
}
