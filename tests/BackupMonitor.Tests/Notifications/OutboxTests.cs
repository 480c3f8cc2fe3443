using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// The outbox of notices and deliveries (SPEC §6.4; issue 11 items 4–6): migration of old notices, crash takeover,
/// one SMTP session per pass, and what a mail outage costs — against the real SMTP server or a loopback listener.
/// </summary>
public sealed class OutboxTests
{
    private static int Count(CliHarness.Run run, string property)
    {
        using var json = JsonDocument.Parse(run.Out);
        return json.RootElement.GetProperty(property).GetInt32();
    }

    private static async Task<NotificationTestSite> FailedBackupsAsync(Dictionary<string, string?> settings, int count)
    {
        var site = new NotificationTestSite(settings);
        for (var i = 0; i < count; i++)
        {
            await site.AddJobAsync($"db{i}");
            await site.WriteReportAsync($"db{i}", "failed");
        }
        return site;
    }

    [Fact]
    public async Task One_pass_sends_every_alert_over_one_authenticated_connection()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var site = await FailedBackupsAsync(server.Settings(), 3);

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(3, Count(run, "notifications_sent"));
        Assert.Equal(3, server.Received().Count);
        var events = await server.EventsAfterCloseAsync();
        Assert.Single(events, e => e == "auth ok");
        Assert.Single(events, e => e == "quit");
        Assert.All(await site.DeliveriesAsync(), d => Assert.Equal((DeliveryState.Sent, 1), (d.State, d.Attempts)));
    }

    [Fact]
    public async Task A_refused_recipient_counts_an_attempt_and_the_pass_goes_on_with_the_next_message()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var settings = server.Settings();
        settings["ADMIN_EMAIL_RECIPIENT"] = "refused@backup.test";
        using var site = await FailedBackupsAsync(settings, 3);

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal((0, 3), (Count(run, "notifications_sent"), Count(run, "notifications_failed")));
        Assert.All(await site.DeliveriesAsync(), d => Assert.Equal((DeliveryState.Pending, 1), (d.State, d.Attempts)));
        Assert.All(await site.DeliveriesAsync(), d => Assert.StartsWith("recipient:", d.LastError));
        Assert.Single(await server.EventsAfterCloseAsync(), e => e == "auth ok");
    }

    /// <summary>Issue 11: 12 alerts and a server that accepts but never answers took one timeout each, and burned every attempt.</summary>
    [Fact]
    public async Task A_server_that_never_answers_costs_one_connection_per_pass_and_no_alert_ever_fails()
    {
        using var silent = new SilentListener();
        var settings = new Dictionary<string, string?>
        {
            ["EMAIL_HOST"] = "127.0.0.1", ["EMAIL_PORT"] = silent.Port.ToString(), ["EMAIL_SENDER"] = "bm@backup.test",
            ["ADMIN_EMAIL_RECIPIENT"] = "admin@backup.test", ["EMAIL_TIMEOUT_SECONDS"] = "1", ["EMAIL_MAX_ATTEMPTS"] = "2",
        };
        using var site = await FailedBackupsAsync(settings, 6);

        for (var pass = 1; pass <= 4; pass++)
        {
            var run = await site.RunAsync("scan", "--format", "json");
            Assert.Equal(0, run.ExitCode);
            Assert.Equal((0, 1), (Count(run, "notifications_sent"), Count(run, "notifications_failed")));
            Assert.Equal(pass, silent.Accepted);
        }

        var deliveries = await site.DeliveriesAsync();
        Assert.Equal(6, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Pending, 0), (d.State, d.Attempts)));
        Assert.Contains(deliveries, d => d.LastError is { } e && e.StartsWith("connect: no answer from 127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliveries_claimed_by_a_process_that_died_on_this_machine_are_taken_over_at_once()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var site = new NotificationTestSite(server.Settings());
        // A scan recorded the alert, claimed its delivery and was killed before sending it.
        await AlertClaimedByAsync(site, $"{Environment.MachineName}:{await DeadPidAsync()}:0123456789abcdef");

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(1, Count(run, "notifications_sent"));
        Assert.Single(server.Received());
        var delivery = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Sent, (string?)null), (delivery.State, delivery.ClaimedBy));
    }

    [Fact]
    public async Task A_claim_held_by_a_live_process_is_left_alone_until_it_expires()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var site = new NotificationTestSite(server.Settings());
        // Another scan of this very (living) process: its claim is honoured until it expires.
        await AlertClaimedByAsync(site, $"{Environment.MachineName}:{Environment.ProcessId}:otherscan");

        var held = await site.RunAsync("scan", "--format", "json");
        site.Time.Advance(TimeSpan.FromMinutes(4));
        var expired = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, Count(held, "notifications_sent"));
        Assert.Equal(1, Count(expired, "notifications_sent"));
        Assert.Single(server.Received());
    }

    [Fact]
    public async Task Existing_notices_migrate_to_deliveries_of_admins_keeping_their_state()
    {
        var folder = Directory.CreateTempSubdirectory("bm-migrate-").FullName;
        try
        {
            var settings = TestSettings.For(folder);
            var connection = settings["DATABASE_CONNECTION_STRING"]!;
            await using var db = TestDatabase.IsPostgres
                ? (BackupMonitorDbContext)new PostgresBackupMonitorDbContext(new DbContextOptionsBuilder<PostgresBackupMonitorDbContext>().UseNpgsql(connection).Options)
                : new SqliteBackupMonitorDbContext(new DbContextOptionsBuilder<SqliteBackupMonitorDbContext>().UseSqlite(connection).Options);
            await db.GetService<IMigrator>().MigrateAsync("JobActiveSince");
            var t = new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc);
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO expected_backup_jobs (company_name, city, neighborhood, database_name, agent_id_responsible, expected_hour_utc, expected_minute_utc, is_active, current_status, created_at_utc) " +
                "VALUES ('ACME', 'Paris', 'Centre', 'sales', 'ACME_Paris_Centre', 2, 0, TRUE, 'ok', {0})", t);
            foreach (var (status, at) in new[] { ("failed", t), ("success", t.AddDays(1)) })
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO backup_entries (expected_job_id, status, agent_report_timestamp_utc, created_at_utc) VALUES (1, {0}, {1}, {1})", status, at);
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO notices (backup_entry_id, expected_job_id, kind, state, subject, body_text, attempts, last_error, created_at_utc, next_attempt_at_utc) " +
                "VALUES (1, 1, 'alert', 'pending', 'ALERTE SAUVEGARDE - sales - FAILED', 'old body', 2, 'connect: refused', {0}, {1})", t, t.AddMinutes(1));
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO notices (backup_entry_id, expected_job_id, kind, state, subject, body_text, attempts, created_at_utc, sent_at_utc) " +
                "VALUES (2, 1, 'recovery', 'sent', 'RÉTABLISSEMENT SAUVEGARDE - sales', 'old body', 1, {0}, {0})", t.AddDays(1));

            await db.MigrateAsync();

            var notices = await db.Notices.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
            Assert.Equal([(NoticeKind.Alert, JobStatus.Failed, JobStatus.Unknown), (NoticeKind.Recovery, JobStatus.Ok, JobStatus.Failed)],
                notices.Select(n => (n.Kind, n.JobStatus, n.PreviousJobStatus)));
            var deliveries = await db.Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
            Assert.Equal(
                [(1, "admins", DeliveryState.Pending, 2, "connect: refused", (DateTime?)t.AddMinutes(1), (DateTime?)null), (2, "admins", DeliveryState.Sent, 1, null, null, t.AddDays(1))],
                deliveries.Select(d => (d.NoticeId, d.Destination, d.State, d.Attempts, d.LastError, d.NextAttemptAtUtc, d.SentAtUtc)));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_template_fault_is_a_failed_delivery_with_its_error_and_never_fails_the_scan()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var settings = server.Settings();
        var templates = Directory.CreateTempSubdirectory("bm-templates-").FullName;
        settings["TEMPLATES_DIRECTORY"] = templates;
        await File.WriteAllTextAsync(Path.Combine(templates, "alert.fr.subject.liquid"), "ALERTE {% if database_name %} never closed");
        using var site = await FailedBackupsAsync(settings, 1);

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((0, 1), (Count(run, "notifications_sent"), Count(run, "notifications_failed")));
        Assert.Single(await site.EntriesAsync());
        var delivery = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Failed, 1), (delivery.State, delivery.Attempts));
        Assert.StartsWith("template: template " + Path.Combine(templates, "alert.fr.subject.liquid") + " does not parse", delivery.LastError);
        Assert.Empty(server.Received());
        Directory.Delete(templates, recursive: true);
    }

    [Fact]
    public async Task A_file_of_the_same_name_in_TEMPLATES_DIRECTORY_replaces_the_embedded_template()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var settings = server.Settings();
        var templates = Directory.CreateTempSubdirectory("bm-templates-").FullName;
        settings["TEMPLATES_DIRECTORY"] = templates;
        await File.WriteAllTextAsync(Path.Combine(templates, "alert.fr.subject.liquid"), "[{{ company_name }}/{{ city }}] {{ database_name }} : {{ status_label | downcase }}\n");
        using var site = await FailedBackupsAsync(settings, 1);

        await site.RunAsync("scan");

        var (message, _) = Assert.Single(server.Received());
        Assert.Equal("[ACME/Paris] db0 : failed", message.Subject);
        Assert.Contains("Une anomalie a été détectée", message.TextBody);
        Directory.Delete(templates, recursive: true);
    }

    /// <summary>The id of a process of this machine that has exited.</summary>
    /// <summary>A failed backup scanned (its alert's delivery pending), then that delivery claimed by <paramref name="owner"/> for 3 minutes.</summary>
    private static async Task AlertClaimedByAsync(NotificationTestSite site, string owner)
    {
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", "failed");
        await using var services = await site.ServicesAsync();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BackupMonitor.Scanning.Scanner>().RunAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Deliveries
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedBy, owner).SetProperty(d => d.ClaimedUntilUtc, site.Now.AddMinutes(3)));
    }

    private static async Task<int> DeadPidAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
