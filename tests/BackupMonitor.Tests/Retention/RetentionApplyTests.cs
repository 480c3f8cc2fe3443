using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BackupMonitor.Retention;

namespace BackupMonitor.Tests.Retention;

/// <summary>SPEC §14 on real files: apply moves what the plan says to the trash, restore brings one back, purge after the trash days.</summary>
public class RetentionApplyTests
{
    private const string Agent = "ACME_Paris_Centre";

    [Fact]
    public async Task Apply_moves_exactly_the_planned_files_byte_identical_to_the_trash_and_a_second_plan_prunes_nothing()
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 10);
        await site.SetPolicyAsync(job.Id, "daily=4,weekly=1");
        var before = site.Files(site.Validated);
        var plan = Assert.Single(await site.PlanAsync());
        var planned = plan.Decision.Pruned.Select(v => plan.Backups[v.Backup.EntryId].ValidatedPath).Order().ToList();
        Assert.Equal(5, planned.Count); // 25 Nov–4 Dec: daily keeps 1–4 Dec, weekly passes over this ISO week (kept) and keeps 29 Nov

        var summary = await site.ApplyAsync();

        Assert.Equal(5, summary.Pruned);
        Assert.Equal(planned, TestSite.FilesUnder(site.Trash)); // same sub-path as in validated
        foreach (var path in planned) Assert.Equal(before[path], File.ReadAllBytes(Path.Combine(site.Trash, path)));
        Assert.Equal(before.Keys.Except(planned).Order(), TestSite.FilesUnder(site.Validated));
        var entries = await site.Site.EntriesAsync(job.Id);
        Assert.Equal(planned, entries.Where(e => e.PrunedAtUtc is not null).Select(e => e.TrashPath).Order());
        Assert.All(entries.Where(e => e.PrunedAtUtc is not null), e => Assert.Equal(e.TrashPath, e.ValidatedPath)); // validated_path stays as history
        Assert.Equal(10, entries.Count);

        Assert.Empty(Assert.Single(await site.PlanAsync()).Decision.Pruned);
        Assert.Equal(0, (await site.ApplyAsync()).Pruned);
    }

    [Fact]
    public async Task Restore_brings_a_trashed_backup_back_and_holds_it_from_then_on()
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 6);
        await site.SetPolicyAsync(job.Id, "last=3");
        var before = site.Files(site.Validated);
        await site.ApplyAsync();
        var pruned = (await site.Site.EntriesAsync(job.Id)).First(e => e.PrunedAtUtc is not null);

        var path = await site.RestoreAsync(pruned.Id);

        Assert.Equal(pruned.ValidatedPath, path);
        Assert.Equal(before[path], File.ReadAllBytes(Path.Combine(site.Validated, path)));
        Assert.DoesNotContain(path, TestSite.FilesUnder(site.Trash));
        var restored = (await site.Site.EntriesAsync(job.Id)).Single(e => e.Id == pruned.Id);
        Assert.Null(restored.PrunedAtUtc);
        Assert.Null(restored.TrashPath);
        Assert.NotNull(restored.HeldAtUtc);

        var verdict = Assert.Single(await site.PlanAsync()).Decision.Backups.Single(b => b.Backup.EntryId == pruned.Id);
        Assert.True(verdict.Keep);
        Assert.Equal(["held"], verdict.Rules.Select(r => r.Rule));
        await site.ApplyAsync();
        Assert.True(File.Exists(Path.Combine(site.Validated, path)));
        var again = await Assert.ThrowsAsync<RetentionRequestException>(() => site.RestoreAsync(pruned.Id));
        Assert.Contains("is not in the trash", again.Message);
    }

    [Fact]
    public async Task The_trash_is_purged_after_the_trash_days_and_the_entries_stay()
    {
        await using var site = await RetentionSite.CreateAsync(new() { ["RETENTION_TRASH_DAYS"] = "7" });
        var job = await site.AddJobWithBackupsAsync(Agent, 6);
        await site.SetPolicyAsync(job.Id, "last=3");
        await site.ApplyAsync();
        Assert.Equal(3, TestSite.FilesUnder(site.Trash).Count);

        site.Site.SetNow(site.Site.Now.AddDays(7).AddSeconds(-1));
        Assert.Equal(0, (await site.ApplyAsync()).Purged);
        Assert.Equal(3, TestSite.FilesUnder(site.Trash).Count);

        site.Site.SetNow(site.Site.Now.AddSeconds(1));
        Assert.Equal(3, (await site.ApplyAsync()).Purged);
        Assert.Empty(TestSite.FilesUnder(site.Trash));
        var entries = await site.Site.EntriesAsync(job.Id);
        Assert.Equal(6, entries.Count);
        Assert.Equal(3, entries.Count(e => e.PurgedAtUtc == site.Site.Now));
        var purged = entries.First(e => e.PurgedAtUtc is not null);
        var error = await Assert.ThrowsAsync<RetentionRequestException>(() => site.RestoreAsync(purged.Id));
        Assert.Contains("purged", error.Message);
    }

    [Fact]
    public async Task With_trash_days_zero_the_trash_is_purged_at_the_next_apply()
    {
        await using var site = await RetentionSite.CreateAsync(new() { ["RETENTION_TRASH_DAYS"] = "0" });
        var job = await site.AddJobWithBackupsAsync(Agent, 4);
        await site.SetPolicyAsync(job.Id, "last=2");
        await site.ApplyAsync();
        Assert.Equal(2, TestSite.FilesUnder(site.Trash).Count);
        Assert.Equal(2, (await site.ApplyAsync()).Purged);
        Assert.Empty(TestSite.FilesUnder(site.Trash));
    }

    [Fact]
    public async Task An_apply_leaves_no_audit_event_tracked_so_each_save_does_not_walk_every_earlier_one()
    {
        await using var site = await RetentionSite.CreateAsync(new() { ["RETENTION_TRASH_DAYS"] = "0" });
        var job = await site.AddJobWithBackupsAsync(Agent, 8);
        await site.SetPolicyAsync(job.Id, "last=4");
        await site.ApplyAsync(); // pruned to the trash, one audit event

        await using var scope = site.Site.CreateScope();
        var applier = scope.ServiceProvider.GetRequiredService<RetentionApplier>();
        var summary = await applier.ApplyAsync(null, null, CancellationToken.None); // purges the 4 trashed files, an event each

        Assert.Equal(4, summary.Purged);
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitor.Persistence.BackupMonitorDbContext>();
        Assert.Empty(db.ChangeTracker.Entries<AuditEvent>());
        Assert.Equal(4, await db.AuditEvents.CountAsync(a => a.Action == "retention.purge"));
    }

    [Fact]
    public async Task A_policy_over_the_limit_leaves_the_job_as_it_is_and_the_run_succeeds_and_an_override_applies_it()
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 10);
        await site.SetPolicyAsync(job.Id, "last=2");
        var before = site.Files(site.Validated);

        var summary = await site.ApplyAsync();

        Assert.Equal((1, 0), (summary.JobsRefused, summary.Pruned));
        Assert.Equal(before.Keys, site.Files(site.Validated).Keys);
        Assert.Contains(site.Site.Logs.Lines, m => m.Contains("Retention refused for job") && m.Contains("more than RETENTION_MAX_PRUNE_PERCENT (50 %)"));

        Assert.Equal(8, (await site.ApplyAsync(maxPrunePercent: 80)).Pruned);
    }

    [Fact]
    public async Task A_refused_policy_raises_one_retention_warning_per_job_and_day_delivered_like_any_warning()
    {
        await using var site = await RetentionSite.CreateAsync(new() { ["ADMIN_EMAIL_RECIPIENT"] = "admin@backup.test" });
        var job = await site.AddJobWithBackupsAsync(Agent, 10);
        await site.SetPolicyAsync(job.Id, "last=2");

        await site.ApplyAsync();
        await site.ApplyAsync(); // a second run the same day: no second notice

        var notice = Assert.Single(await NoticesAsync(site));
        Assert.Equal((NoticeKind.Warning, WarningKind.RetentionRefused, "warning", job.Id), (notice.Kind, notice.Warning, notice.Status, notice.ExpectedJobId));
        Assert.Contains("more than RETENTION_MAX_PRUNE_PERCENT (50 %)", notice.Detail);
        Assert.Contains("last=2", notice.Detail);
        Assert.Equal("warning_retention", BackupMonitor.Notifications.NoticeRenderer.TemplateOf(notice));
        Assert.Equal("admins", Assert.Single(notice.Deliveries).Destination);

        site.Site.SetNow(site.Site.Now.AddDays(1));
        await site.ApplyAsync();
        Assert.Equal(2, (await NoticesAsync(site)).Count); // still too tight the next day: reminded once more
    }

    private static async Task<List<Notice>> NoticesAsync(RetentionSite site)
    {
        await using var scope = site.Site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitor.Persistence.BackupMonitorDbContext>();
        return await db.Notices.AsNoTracking().Include(n => n.Deliveries).OrderBy(n => n.Id).ToListAsync();
    }

    [Fact]
    public async Task Nothing_is_moved_for_a_failing_job()
    {
        await using var site = await RetentionSite.CreateAsync(new() { ["RETENTION"] = "last=3" });
        var job = await site.AddJobWithBackupsAsync(Agent, 5);
        await site.Site.UpdateJobAsync(job.Id, j => j.CurrentStatus = JobStatus.Missing);
        var summary = await site.ApplyAsync();
        Assert.Equal((1, 0), (summary.JobsLeftAsIs, summary.Pruned));
        Assert.Empty(TestSite.FilesUnder(site.Trash));
        Assert.Contains("job status is missing", Assert.Single(await site.PlanAsync()).Decision.LeftAsIs);
    }

    [Fact]
    public async Task A_company_policy_applies_to_its_jobs_without_one_and_the_default_to_the_others()
    {
        await using var site = await RetentionSite.CreateAsync(new() { ["RETENTION"] = "last=4" });
        var own = await site.AddJobWithBackupsAsync("ACME_Paris_Centre", 6);
        var company = await site.AddJobWithBackupsAsync("ACME_Lyon_Gare", 6);
        await site.SetPolicyAsync(own.Id, "last=5");
        await using (var scope = site.Site.CreateScope())
            await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<RetentionPolicies>(scope.ServiceProvider)
                .SetAsync(null, "ACME", "last=3", CancellationToken.None);
        var plans = await site.PlanAsync();
        Assert.Equal([("last=5", "job", 1), ("last=3", "company", 3)],
            plans.Select(p => (p.Policy.ToString(), p.PolicySource, p.Decision.Pruned.Count())));
    }

    [Fact]
    public async Task The_newest_backup_with_a_passed_drill_is_kept_by_the_drilled_rule()
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 6);
        await site.SetPolicyAsync(job.Id, "last=3");
        var entries = await site.Site.EntriesAsync(job.Id); // oldest first
        await using (var scope = site.Site.CreateScope())
        {
            var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<BackupMonitor.Persistence.BackupMonitorDbContext>(scope.ServiceProvider);
            db.Drills.Add(new Drill { JobId = job.Id, EntryId = entries[0].Id, StartedAtUtc = site.Site.Now, Status = DrillStatus.Passed });
            db.Drills.Add(new Drill { JobId = job.Id, EntryId = entries[1].Id, StartedAtUtc = site.Site.Now, Status = DrillStatus.Passed });
            db.Drills.Add(new Drill { JobId = job.Id, EntryId = entries[2].Id, StartedAtUtc = site.Site.Now, Status = DrillStatus.Failed });
            await db.SaveChangesAsync();
        }

        var plan = Assert.Single(await site.PlanAsync());

        Assert.Equal(["drilled"], plan.Decision.Backups.Single(b => b.Backup.EntryId == entries[1].Id).Rules.Select(r => r.Rule));
        Assert.Equal([entries[0].Id, entries[2].Id], plan.Decision.Pruned.Select(v => v.Backup.EntryId).Order());
    }
}
