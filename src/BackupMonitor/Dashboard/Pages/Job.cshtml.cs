using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>One job: its settings, a large history strip, 90 days of pictures (size, verification delay, calendar), its entries (every SPEC field, paginated) and, for full keys, (de)activation.</summary>
public sealed class JobModel(JobBoard board, JobHistory history, JobRegistry registry, Persistence.DrillStore drills, RetentionBoard retention, TimeProvider time, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadJobs;

    public const int PageSize = 20;

    public JobRow Row { get; private set; } = null!;
    public PageOf<BackupEntry> Entries { get; private set; } = null!;
    /// <summary>The newest entry, when it is a success far below the job's usual size.</summary>
    public BackupEntry? SizeDrop { get; private set; }
    public JobPictures Pictures { get; private set; } = null!;
    public JobDrills Drills { get; private set; } = null!;
    /// <summary>Its validated backups with keep or prune and the rule (SPEC §14), and the space its files take.</summary>
    public RetentionPanel Retention { get; private set; } = null!;
    [TempData] public string? Flash { get; set; }
    /// <summary>The job's next cycle (null while deactivated).</summary>
    public DateTime? NextExpectedUtc { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, [FromQuery(Name = PageParameter)] int pageNumber, CancellationToken cancellationToken)
    {
        // Another company's job is not found, in the same words as an unknown one.
        if (await board.JobAsync(id, Caller, cancellationToken) is not { } row
            || await RefusalAsync(AccessAction.ReadJobs, AccessTarget.Job(row.Job.CompanyName), id) is not null)
            return Message(StatusCodes.Status404NotFound, T.NoSuchJob(id));
        Row = row;
        NextExpectedUtc = row.Job.IsActive ? Schedule.TryOf(row.Job)?.AtOrAfter(time.GetUtcNow().UtcDateTime) : null;
        Entries = await board.EntriesAsync(id, pageNumber, PageSize, cancellationToken);
        SizeDrop = await board.SizeDropAsync(id, cancellationToken);
        Pictures = await history.PicturesAsync(row.Job, cancellationToken);
        Drills = new JobDrills(await drills.ListAsync(id, null, JobDrills.Shown, cancellationToken), time.GetUtcNow().UtcDateTime.Date);
        Retention = await retention.JobAsync(id, cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostDeactivateAsync(int id, CancellationToken cancellationToken) =>
        ChangeAsync(id, AccessAction.WriteJobs, registry.DeactivateAsync, T.Deactivated, cancellationToken);

    public Task<IActionResult> OnPostReactivateAsync(int id, CancellationToken cancellationToken) =>
        ChangeAsync(id, AccessAction.WriteJobs, registry.ReactivateAsync, T.Reactivated, cancellationToken);

    public QuietingText Q => QuietingText.For(T.Language);

    public async Task<IActionResult> OnPostAcknowledgeAsync(int id, CancellationToken cancellationToken)
    {
        if (await RefusalForJobAsync(id, AccessAction.Acknowledge, cancellationToken) is { } refused) return refused;
        try
        {
            if (await registry.AcknowledgeAsync(id, cancellationToken) is null) return Message(StatusCodes.Status404NotFound, T.NoSuchJob(id));
        }
        catch (JobNotFailingException e)
        {
            return Message(StatusCodes.Status409Conflict, e.Message);
        }
        Flash = Q.AcknowledgedFlash;
        return RedirectToPage(new { id });
    }

    public Task<IActionResult> OnPostUnacknowledgeAsync(int id, CancellationToken cancellationToken) =>
        ChangeAsync(id, AccessAction.Acknowledge, async (job, ct) => await registry.UnacknowledgeAsync(job, ct) is not null, Q.UnacknowledgedFlash, cancellationToken);

    /// <summary>The decision on this job (by its company): 404 for an unknown job or another company's, 403 for a role that may not.</summary>
    private async Task<IActionResult?> RefusalForJobAsync(int id, AccessAction action, CancellationToken cancellationToken)
    {
        var company = (await registry.FindAsync(id, cancellationToken))?.CompanyName;
        return await RefusalAsync(action, AccessTarget.Job(company), id)
            ?? (company is null ? Message(StatusCodes.Status404NotFound, T.NoSuchJob(id)) : null);
    }

    private async Task<IActionResult> ChangeAsync(int id, AccessAction action, Func<int, CancellationToken, Task<bool>> change, string done, CancellationToken cancellationToken)
    {
        if (await RefusalForJobAsync(id, action, cancellationToken) is { } refused) return refused;
        if (!await change(id, cancellationToken)) return Message(StatusCodes.Status404NotFound, T.NoSuchJob(id));
        Flash = done;
        return RedirectToPage(new { id });
    }
}
