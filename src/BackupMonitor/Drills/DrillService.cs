using System.Collections.Concurrent;
using System.Diagnostics;
using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Drills;

/// <summary>Why a drill asked for now cannot start.</summary>
public enum DrillRefusal { UnknownJob, NoValidatedBackup, AlreadyRunning }

/// <summary>
/// Runs restore drills (SPEC §13): a scheduled pass of the due jobs (`serve`), every job now (`drills run`), or one job
/// in the background (the API). Each drill: recorded `running` under this process's claim, renewed while it runs;
/// drilled by <see cref="DrillRunner"/>; then recorded with the job's last drill and its notices in one transaction.
/// Every run starts by removing the leftovers of interrupted drills.
/// </summary>
public sealed class DrillService(IServiceScopeFactory scopes, DrillOptions options, ContentOptions content, EmailOptions email, ILogger<DrillService> logger) : IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<int, Task> background = new();

    /// <summary>Raised after each drill is recorded (metrics).</summary>
    public event Action<Drill>? Finished;

    public async Task RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DrillLeftovers>().RemoveAsync(cancellationToken);
    }

    /// <summary>`drills run`: the latest validated backup of every active job (or of <paramref name="jobId"/>), whatever the interval, one after the other.</summary>
    public async Task<List<Drill>> RunNowAsync(int? jobId, Action<int, int, int>? progress, CancellationToken cancellationToken)
    {
        await RemoveLeftoversAsync(cancellationToken);
        List<DrillCandidate> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<DrillStore>();
            if (jobId is { } id && await store.JobAsync(id, cancellationToken) is null) throw new Cli.CommandFailedException($"job {id} does not exist");
            candidates = await store.CandidatesAsync(jobId, cancellationToken);
        }
        var drills = new List<Drill>();
        for (var i = 0; i < candidates.Count; i++)
        {
            progress?.Invoke(i + 1, candidates.Count, candidates[i].JobId);
            if (await RunOneAsync(candidates[i], slot: null, cancellationToken, requested: true) is { } drill) drills.Add(drill);
            else logger.LogInformation("Job {Job}: a drill of its latest backup is already running elsewhere; left to it", candidates[i].JobId);
        }
        return drills;
    }

    /// <summary>
    /// `serve`'s pass: the due jobs, oldest first, DRILL_CONCURRENCY at a time across every process sharing the
    /// database (each drill holds one of the slots). Each job is tried at most once per pass. Returns the drills run.
    /// </summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        await RemoveLeftoversAsync(cancellationToken);
        var tried = new ConcurrentDictionary<int, bool>();
        var counts = await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => WorkAsync(tried, cancellationToken)));
        return counts.Sum();
    }

    /// <summary>
    /// One worker of the pass: the due jobs are read once (and again only when this worker has tried them all), then
    /// each is checked afresh — one job's row, not the whole estate's — just before its drill, under one of the slots.
    /// Reading every job's candidate again after each drill made a first pass over N jobs cost N reads of N rows.
    /// </summary>
    private async Task<int> WorkAsync(ConcurrentDictionary<int, bool> tried, CancellationToken cancellationToken)
    {
        var done = 0;
        var queue = new Queue<DrillCandidate>();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (queue.Count == 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<DrillStore>();
                foreach (var candidate in DrillSchedule.Due(await store.CandidatesAsync(null, cancellationToken), options.Interval, store.Now))
                    if (!tried.ContainsKey(candidate.JobId)) queue.Enqueue(candidate);
                if (queue.Count == 0) return done;
            }
            var next = queue.Dequeue();
            if (!tried.TryAdd(next.JobId, true)) continue; // another worker of this pass has it
            DrillCandidate? fresh;
            int? slot;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var store = scope.ServiceProvider.GetRequiredService<DrillStore>();
                slot = await store.TakeSlotAsync(options.Concurrency, cancellationToken);
                if (slot is null)
                {
                    tried.TryRemove(next.JobId, out _); // left for the next pass, or a worker that gets a place
                    return done; // every place is taken, here or by another process
                }
                // Still due (another process may have drilled it since the list was read), with its latest backup now.
                fresh = DrillSchedule.Due(await store.CandidatesAsync(next.JobId, cancellationToken), options.Interval, store.Now).FirstOrDefault();
            }
            try
            {
                if (fresh is not null && await RunOneAsync(fresh, slot, cancellationToken) is not null) done++;
            }
            finally
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DrillStore>().ReleaseSlotAsync(slot.Value);
            }
        }
        return done;
    }

    /// <summary>
    /// `POST /api/jobs/{id}/drills`: records the running drill of the job's latest validated backup and drills it in
    /// the background; or says why it cannot.
    /// </summary>
    public async Task<(Drill? Drill, DrillRefusal? Refusal)> StartAsync(int jobId, CancellationToken cancellationToken)
    {
        Drill? drill;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<DrillStore>();
            if (await store.JobAsync(jobId, cancellationToken) is not { IsActive: true }) return (null, DrillRefusal.UnknownJob);
            if ((await store.CandidatesAsync(jobId, cancellationToken)).FirstOrDefault() is not { } candidate) return (null, DrillRefusal.NoValidatedBackup);
            if (await store.IsRunningAsync(jobId, cancellationToken)) return (null, DrillRefusal.AlreadyRunning);
            drill = await store.StartAsync(jobId, candidate.LatestEntryId, cancellationToken, requested: true);
            if (drill is null) return (null, DrillRefusal.AlreadyRunning);
        }
        var started = drill;
        background[started.Id] = Task.Run(async () =>
        {
            try
            {
                await RemoveLeftoversAsync(stopping.Token);
                await CompleteAsync(started, slot: null, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
            catch (Exception e)
            {
                logger.LogError(e, "Drill {Drill} of job {Job} could not be completed", started.Id, started.JobId);
            }
            finally
            {
                background.TryRemove(started.Id, out _);
            }
        }, CancellationToken.None);
        return (started, null);
    }

    /// <summary>Waits for the drills started in the background (tests, shutdown).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(background.Values);

    private async Task<Drill?> RunOneAsync(DrillCandidate candidate, int? slot, CancellationToken cancellationToken, bool requested = false)
    {
        Drill? drill;
        await using (var scope = scopes.CreateAsyncScope())
            drill = await scope.ServiceProvider.GetRequiredService<DrillStore>().StartAsync(candidate.JobId, candidate.LatestEntryId, cancellationToken, requested);
        return drill is null ? null : await CompleteAsync(drill, slot, cancellationToken);
    }

    private async Task<Drill> CompleteAsync(Drill drill, int? slot, CancellationToken cancellationToken)
    {
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewWhileRunningAsync(drill.Id, slot, renewing.Token);
        var clock = Stopwatch.StartNew();
        BackupEntry? entry;
        DrillResult result;
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
                entry = await scope.ServiceProvider.GetRequiredService<DrillStore>().EntryAsync(drill.EntryId, cancellationToken);
            logger.LogInformation("Drill {Drill}: job {Job}, backup {Entry} ({File})", drill.Id, drill.JobId, drill.EntryId, entry?.ValidatedPath);
            await using (var scope = scopes.CreateAsyncScope())
                result = entry is null ? DrillResult.Failed(null, $"entry {drill.EntryId} no longer exists")
                    : await scope.ServiceProvider.GetRequiredService<DrillRunner>().RunAsync(drill.Id, entry, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Drill {Drill} could not run", drill.Id);
            result = DrillResult.Failed(null, $"the drill could not run: {e.GetBaseException().Message}");
            entry = null;
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }
        var finished = await RecordAsync(drill, entry, result, clock.ElapsedMilliseconds);
        logger.LogInformation("Drill {Drill} of job {Job}: {Status} in {Ms} ms{Detail}", finished.Id, finished.JobId, finished.Status.ToWire(), finished.DurationMs,
            finished.Detail is { } detail ? " — " + detail : "");
        Finished?.Invoke(finished);
        return finished;
    }

    /// <summary>The drill, the job's last drill and the drill's notices, in one transaction.</summary>
    private async Task<Drill> RecordAsync(Drill drill, BackupEntry? entry, DrillResult result, long durationMs)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<DrillStore>();
        var db = store.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var job = await store.JobAsync(drill.JobId, CancellationToken.None) ?? throw new InvalidOperationException($"job {drill.JobId} disappeared");
        var (previous, previousRows) = await store.HistoryBeforeAsync(drill.JobId, drill.Id, CancellationToken.None);
        store.Finish(drill, job, result.Status, result.Format, result.Tables, result.Rows, result.Detail, counts: !result.NeedsDrillServer, durationMs);
        var notices = DrillSchedule.Notices(new DrillNoticeFacts(result.Status, previous, result.Rows, previousRows, content.SizeDropPercent, email.NotifyOnRecovery));
        if (entry is not null)
            await scope.ServiceProvider.GetRequiredService<IDrillNotifier>()
                .OnDrillFinishedAsync(db, new FinishedDrill(job, entry, drill, notices, previous, previousRows), CancellationToken.None);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return drill;
    }

    private async Task RenewWhileRunningAsync(int drillId, int? slot, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(DrillStore.ClaimDuration / 3);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if (!await scope.ServiceProvider.GetRequiredService<DrillStore>().RenewAsync(drillId, slot, cancellationToken))
                        logger.LogWarning("Drill {Drill}: its claim was lost (taken as interrupted by another process)", drillId);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Drill {Drill}: its claim could not be renewed: {Error}", drillId, e.GetBaseException().Message);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }
}
