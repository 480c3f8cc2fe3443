using BackupMonitor.Decisions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BackupMonitor.Tests.Decisions;

/// <summary>The job-status rule (SPEC §5): the newest entry sets the status; last success and failure are the latest of each.</summary>
public sealed class JobProgressTests
{
    private static readonly DateTime T = new(2026, 11, 23, 2, 0, 0, DateTimeKind.Utc);

    public static TheoryData<JobStatus, BackupEntryStatus, int?> Every()
    {
        var data = new TheoryData<JobStatus, BackupEntryStatus, int?>();
        // The entry's time relative to the job's newest entry: none yet, older, the same, newer (hours).
        foreach (var job in StatusNames.AllJobStatuses)
            foreach (var entry in StatusNames.AllEntryStatuses)
                foreach (var offset in new int?[] { null, -1, 0, 1 })
                    data.Add(job, entry, offset);
        return data;
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Every_job_status_entry_status_and_age_follow_the_rule(JobStatus current, BackupEntryStatus status, int? hoursAfterNewest)
    {
        DateTime? newest = hoursAfterNewest is null ? null : T;
        var effective = T.AddHours(hoursAfterNewest ?? 0);
        var before = new JobProgress(current, T.AddDays(-1), T.AddDays(-2), newest);

        var recorded = before.Record(status, effective);

        var isNewest = hoursAfterNewest is null or >= 0;
        Assert.Equal(isNewest ? status.ToJobStatus() : current, recorded.After.Status);
        Assert.Equal(current, recorded.PreviousStatus);
        Assert.Equal(isNewest && status.ToJobStatus() != current, recorded.ChangedStatus);
        Assert.Equal(isNewest ? effective : newest, recorded.After.NewestEntryUtc);
        Assert.Equal(status == BackupEntryStatus.Success ? effective : T.AddDays(-1), recorded.After.LastSuccessUtc);
        Assert.Equal(status != BackupEntryStatus.Success ? effective : T.AddDays(-2), recorded.After.LastFailureUtc);
    }

    [Fact]
    public void A_late_line_never_moves_last_success_or_failure_back()
    {
        var before = new JobProgress(JobStatus.Ok, T, T, T);

        Assert.Equal(T, before.Record(BackupEntryStatus.Success, T.AddDays(-3)).After.LastSuccessUtc);
        Assert.Equal(T, before.Record(BackupEntryStatus.Failed, T.AddDays(-3)).After.LastFailureUtc);
    }

    private static readonly Gen<(BackupEntryStatus Status, DateTime At)> Entry =
        from status in Gen.Elements(StatusNames.AllEntryStatuses.ToArray())
        from hours in Gen.Choose(0, 50)
        select (status, T.AddHours(hours));

    [Property(MaxTest = 500)]
    public Property Any_order_of_recording_leaves_the_newest_entrys_status() =>
        Prop.ForAll(Arb.From(Entry.ArrayOf()), list =>
        {
            var progress = new JobProgress(JobStatus.Unknown, null, null, null);
            foreach (var (status, at) in list) progress = progress.Record(status, at).After;
            if (list.Length == 0) return progress.Status == JobStatus.Unknown;
            var newest = list.Max(e => e.At);
            // On a tie the one recorded last wins.
            return progress.Status == list.Last(e => e.At == newest).Status.ToJobStatus()
                && progress.LastSuccessUtc == list.Where(e => e.Status == BackupEntryStatus.Success).Select(e => (DateTime?)e.At).Max()
                && progress.LastFailureUtc == list.Where(e => e.Status != BackupEntryStatus.Success).Select(e => (DateTime?)e.At).Max();
        });

    [Fact]
    public void Of_and_apply_to_carry_the_scans_columns_of_a_job()
    {
        var job = new ExpectedBackupJob
        {
            CompanyName = "A", City = "B", Neighborhood = "C", DatabaseName = "d", AgentIdResponsible = "A_B_C",
            CurrentStatus = JobStatus.Failed, LastSuccessfulBackupUtc = T.AddDays(-1), LastFailedBackupUtc = T,
        };
        var progress = JobProgress.Of(job, T).Record(BackupEntryStatus.Success, T.AddHours(1)).After;

        progress.ApplyTo(job);

        Assert.Equal((JobStatus.Ok, T.AddHours(1), T), (job.CurrentStatus, job.LastSuccessfulBackupUtc, job.LastFailedBackupUtc));
    }
}
