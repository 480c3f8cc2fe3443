using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>
/// The overlap of a scan's batches as three named stages joined by bounded channels: <b>start</b> (claim the agents,
/// read, plan, and begin the files on the thread pool) → <b>commit</b> (wait for the files, commit) → <b>file</b>
/// (the reports leave staging, then the claims are given back). The scan's DbContext is shared by every store the
/// pipeline asks (<see cref="ScanStore"/>, <see cref="AgentLeases"/>, the notice store) and serves one batch at a time:
/// each stage takes the <see cref="database"/> turn around its own reads and writes, file work never touches it.
/// </summary>
internal sealed class BatchStages
{
    /// <summary>Batches alive at once (claimed, not yet released): one starting, one committing, one filing.</summary>
    internal const int MaxAlive = 3;

    private readonly BatchPipeline pipeline;
    private readonly AgentLeases leases;
    private readonly ScanSummary summary;
    private readonly ILogger logger;
    private readonly Action afterCommit;
    private readonly SemaphoreSlim database = new(1, 1);
    private readonly SemaphoreSlim alive = new(MaxAlive, MaxAlive);
    private readonly Channel<BatchPipeline.Batch> started = Channel.CreateBounded<BatchPipeline.Batch>(1);
    private readonly Channel<BatchPipeline.Batch> committed = Channel.CreateBounded<BatchPipeline.Batch>(1);
    /// <summary>Claimed batches whose claims are not yet given back: what leaving on an error must wait for and release.</summary>
    private readonly HashSet<BatchPipeline.Batch> holding = new(ReferenceEqualityComparer.Instance);
    private ExceptionDispatchInfo? firstError;

    public BatchStages(BatchPipeline pipeline, AgentLeases leases, ScanSummary summary, ILogger logger, Action afterCommit)
        => (this.pipeline, this.leases, this.summary, this.logger, this.afterCommit) = (pipeline, leases, summary, logger, afterCommit);

    /// <summary>
    /// Runs every batch through the stages. On the first error (or cancellation) every stage stops, the batches' file
    /// work ends (what it moved is recognised by the next scan), every claim is given back, and that error is thrown.
    /// </summary>
    public async Task RunAsync(IEnumerable<string[]> batches, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(
            StageAsync(() => StartStageAsync(batches, cancellationToken, stop.Token), started.Writer, stop),
            StageAsync(() => CommitStageAsync(cancellationToken, stop.Token), committed.Writer, stop),
            StageAsync(() => FileStageAsync(stop.Token), null, stop));
        if (firstError is null) return;
        foreach (var batch in holding.ToList()) await ReleaseAsync(batch, Task.WhenAll(batch.Files, batch.Reports), quietly: true);
        firstError.Throw();
    }

    /// <summary>Runs one stage; its first failure stops the others, and it always closes its output.</summary>
    private async Task StageAsync(Func<Task> stage, ChannelWriter<BatchPipeline.Batch>? output, CancellationTokenSource stop)
    {
        try
        {
            await stage();
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref firstError, ExceptionDispatchInfo.Capture(e), null) is null) await stop.CancelAsync();
        }
        finally
        {
            output?.TryComplete();
        }
    }

    /// <summary>Claim, read, plan, begin the files; a batch whose start fails gives its agents back at once.</summary>
    private async Task StartStageAsync(IEnumerable<string[]> batches, CancellationToken cancellationToken, CancellationToken stop)
    {
        foreach (var agents in batches)
        {
            await alive.WaitAsync(stop);
            BatchPipeline.Batch? batch = null;
            await database.WaitAsync(stop);
            try
            {
                var claimed = await leases.TryClaimAsync(agents, cancellationToken);
                foreach (var agentId in agents.Except(claimed))
                {
                    summary.AgentsSkipped++;
                    logger.LogDebug("Agent {Agent} is being scanned by another process; skipped", agentId);
                }
                if (claimed.Count > 0)
                {
                    try
                    {
                        batch = await pipeline.StartAsync(claimed, summary, cancellationToken);
                    }
                    catch
                    {
                        await leases.ReleaseAsync(claimed);
                        throw;
                    }
                    lock (holding) holding.Add(batch);
                }
            }
            finally
            {
                database.Release();
                if (batch is null) alive.Release();
            }
            if (batch is not null) await started.Writer.WriteAsync(batch, stop);
        }
    }

    /// <summary>Waits for a batch's files (renewing its claims), commits it; a batch whose commit fails gives its agents back at once.</summary>
    private async Task CommitStageAsync(CancellationToken cancellationToken, CancellationToken stop)
    {
        await foreach (var batch in started.Reader.ReadAllAsync(stop))
        {
            try
            {
                await pipeline.WaitForFilesAsync(batch, database, cancellationToken);
                await database.WaitAsync(stop);
                try
                {
                    await pipeline.CommitAsync(batch, summary, cancellationToken);
                }
                finally
                {
                    database.Release();
                }
            }
            catch
            {
                await ReleaseAsync(batch, batch.Files, quietly: true);
                throw;
            }
            afterCommit();
            await committed.Writer.WriteAsync(batch, stop);
        }
    }

    /// <summary>Waits for a batch's reports to leave staging, then gives its agents back.</summary>
    private async Task FileStageAsync(CancellationToken stop)
    {
        await foreach (var batch in committed.Reader.ReadAllAsync(stop))
            await ReleaseAsync(batch, batch.Reports);
    }

    /// <summary>Waits for a batch's last work, then gives its agents back; <paramref name="quietly"/>: on the way out of an error.</summary>
    private async Task ReleaseAsync(BatchPipeline.Batch batch, Task work, bool quietly = false)
    {
        try
        {
            await work;
        }
        catch (Exception e) when (quietly && e is not OutOfMemoryException)
        {
        }
        finally
        {
            await database.WaitAsync(CancellationToken.None);
            try
            {
                await leases.ReleaseAsync(batch.Agents);
            }
            finally
            {
                database.Release();
                lock (holding) holding.Remove(batch);
                alive.Release();
            }
        }
    }
}
